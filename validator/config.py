"""Settings: defaults, then `[tool.seed-validator]` in pyproject.toml or seed-validator.toml, then CLI flags.
Typed, knowing nothing of argparse; defaults, config keys and each value's rules come from declared.py."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .declared import AT_SETTING, FILE_KEYS, FLAGS_ONLY, HOST_KEYS
from .errors import ConfigError
from .files import DEFAULT_MAX_BYTES
from .jsonfile import read_regular_file
from .options import HOST, MAX_ITEMS, Kind, Option, parse_allowed, shown
from .seedfiles import FileFilter, anchored
from .tree import display_path, repository_top, working_tree

CONFIG_FILE = "seed-validator.toml"
PYPROJECT_TABLE = ("tool", "seed-validator")
# A config file is a few kilobytes; anything past this is not one (and is never read whole).
MAX_CONFIG_BYTES = 1024 * 1024
__all__ = ["DEFAULT_MAX_BYTES", "CacheSettings", "HostOverride", "LinkSettings", "Settings", "parse_allowed"]


def _default(path: str) -> Any:
    """The declared default of the setting at path, as a dataclass field."""
    value = AT_SETTING[path].default
    if isinstance(value, dict):
        return field(default_factory=lambda: dict(value))
    return field(default=value)


@dataclass(frozen=True, slots=True)
class HostOverride:
    """Settings for one host: politeness (per-host limit, minimum interval, timeout) and the soft-404 probe."""

    per_host: int | None = _default(HOST + "per_host")
    host_interval: float | None = _default(HOST + "host_interval")
    timeout: float | None = _default(HOST + "timeout")
    soft_404_probe: bool | None = _default(HOST + "soft_404_probe")


@dataclass(frozen=True, slots=True)
class LinkSettings:
    concurrency: int = _default("links.concurrency")
    per_host: int = _default("links.per_host")
    host_interval: float = _default("links.host_interval")
    timeout: float = _default("links.timeout")
    connect_timeout: float = _default("links.connect_timeout")
    retries: int = _default("links.retries")
    retry_after_cap: float = _default("links.retry_after_cap")
    max_redirects: int = _default("links.max_redirects")
    max_body_bytes: int = _default("links.max_body_bytes")
    host_failure_limit: int = _default("links.host_failure_limit")
    user_agent: str = _default("links.user_agent")
    accept: tuple[int, ...] = _default("links.accept")
    include: tuple[str, ...] = _default("links.include")
    exclude: tuple[str, ...] = _default("links.exclude")
    hosts: Mapping[str, HostOverride] = _default("links.hosts")
    allow_private: bool = _default("links.allow_private")
    allow_networks: tuple[str, ...] = _default("links.allow_networks")
    soft_404_probe: bool = _default("links.soft_404_probe")
    # A link that could not be verified in this many runs, over at least this many days, is dead.
    persistent_checks: int = _default("links.persistent_checks")
    persistent_days: float = _default("links.persistent_days")
    # Archived copies of dead and soft-dead links (--suggest-archived): the availability API asked.
    suggest_archived: bool = _default("links.suggest_archived")
    archive_endpoint: str = _default("links.archive_endpoint")
    archive_timeout: float = _default("links.archive_timeout")


@dataclass(frozen=True, slots=True)
class CacheSettings:
    enabled: bool = _default("cache.enabled")
    path: Path = _default("cache.path")
    max_age_good: float = _default("cache.max_age_good")
    max_age_bad: float = _default("cache.max_age_bad")


@dataclass(frozen=True, slots=True)
class Settings:
    paths: tuple[Path, ...] = _default("paths")
    offline: bool = _default("offline")
    schema_path: Path | None = _default("schema_path")
    max_file_size: int = _default("max_file_size")
    future_tolerance_hours: float = _default("future_tolerance_hours")
    jobs: int | None = _default("jobs")  # processes checking files; None: one per CPU
    # Read through symlinks that leave the working tree. A command-line choice only, never a config key
    # (declared.py): a pull request can change a config file, and must not make CI read outside the checkout.
    follow_symlinks: bool = _default("follow_symlinks")
    exclude_files: tuple[str, ...] = _default("exclude_files")
    extend_exclude_files: tuple[str, ...] = _default("extend_exclude_files")
    allow_empty: bool = _default("allow_empty")
    config_file: Path | None = _default("config_file")
    links: LinkSettings = field(default_factory=LinkSettings)
    cache: CacheSettings = field(default_factory=CacheSettings)

    def verdict_options(self) -> dict[str, Any]:
        """The effective settings that shape verdicts, for the report's run.options."""
        options: dict[str, Any] = {
            "offline": self.offline,
            "schema": str(self.schema_path) if self.schema_path else "builtin",
            "max_file_size": self.max_file_size,
            "future_tolerance_hours": self.future_tolerance_hours,
            "config": display_path(self.config_file) if self.config_file is not None else None,
        }
        if not self.offline:
            links = self.links
            options.update({
                "concurrency": links.concurrency, "per_host": links.per_host,
                "host_interval": links.host_interval, "timeout": links.timeout, "retries": links.retries,
                "max_redirects": links.max_redirects, "accept": list(links.accept),
                "include": list(links.include), "exclude": list(links.exclude),
                "allow_private": links.allow_private, "allow_networks": list(links.allow_networks),
                "persistent_checks": links.persistent_checks, "persistent_days": links.persistent_days,
                "cache": str(self.cache.path) if self.cache.enabled else None,
            })
        return options

    def file_filter(self) -> FileFilter:
        """The exclude globs (exclude-files, then extend-exclude-files) compiled, with the content checks."""
        try:
            return FileFilter.of((*self.exclude_files, *self.extend_exclude_files))
        except ValueError as exc:  # each glob compiles (checked when read), but not all of them together
            raise ConfigError(f"'exclude-files' and 'extend-exclude-files': {exc}") from exc


def setting_value(settings: Settings, path: str) -> Any:
    """The value of the setting at path ("links.per_host", "exclude_files")."""
    section, _, name = path.rpartition(".")
    return getattr(getattr(settings, section) if section else settings, name)


def with_values(settings: Settings, values: Mapping[str, Any]) -> Settings:
    """A copy of settings with checked values set by settings path ("links.per_host", "max_file_size")."""
    sections: dict[str, dict[str, Any]] = {"": {}, "links": {}, "cache": {}}
    for path, value in values.items():
        section, _, name = path.rpartition(".")
        sections[section][name] = value
    return dataclasses.replace(settings, **sections[""],
                               links=dataclasses.replace(settings.links, **sections["links"]),
                               cache=dataclasses.replace(settings.cache, **sections["cache"]))


def replace(settings: Settings, *, top: Mapping[str, Any] | None = None, links: Mapping[str, Any] | None = None,
            cache: Mapping[str, Any] | None = None) -> Settings:
    """A copy of settings with values replaced by field name, each checked by its declaration (ValueError)."""
    values = {**(top or {}), **{f"links.{k}": v for k, v in (links or {}).items()},
              **{f"cache.{k}": v for k, v in (cache or {}).items()}}
    return with_values(settings, {path: _checked(AT_SETTING[path], raw) for path, raw in values.items()})


def _checked(option: Option, raw: Any) -> Any:
    if option.kind is Kind.HOSTS:
        return host_overrides(raw)
    return option.value(raw)


def discover_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The configuration that applies in start: the nearest folder, from start upward, with a config file,
    as ruff and pytest find theirs; the search stops at the repository's top (a folder holding .git or .hg),
    or at the file system's root outside a repository."""
    start = start.absolute()
    top = repository_top(start)
    for directory in (start, *start.parents):
        found = find_config(directory)
        if found is not None or directory == top:
            return found
    return None


def find_config(directory: Path) -> tuple[Path, dict[str, Any]] | None:
    """The configuration in directory: seed-validator.toml first, then pyproject.toml with a
    [tool.seed-validator] table (a pyproject.toml without one is passed over, as ruff does).

    A config file found here comes with the checkout (a pull request can add one): one that is a symlink
    leading out of the working tree is a ConfigError, never read; whatever else stands under the name (a
    FIFO, a device, a folder) is one too (_read_toml).
    """
    for candidate in (directory / CONFIG_FILE, directory / "pyproject.toml"):
        if os.path.lexists(candidate):
            if _leaves_tree(candidate):
                raise ConfigError(f"{candidate} is a symlink that leaves the working tree ({working_tree()}): "
                                  "not read")
            table = read_config(candidate)
            if table is not None:
                return candidate, table
    return None


def read_config(path: Path) -> dict[str, Any] | None:
    """The settings table of a config file: the whole file, or [tool.seed-validator] of a pyproject.toml."""
    table: Any = _read_toml(path)
    if path.name == "pyproject.toml":
        for key in PYPROJECT_TABLE:
            table = table.get(key) if isinstance(table, dict) else None
    return table if isinstance(table, dict) else None


def _read_toml(path: Path) -> dict[str, Any]:
    """A regular file of at most MAX_CONFIG_BYTES, as TOML; opening never blocks (a FIFO is refused)."""
    import tomllib  # noqa: PLC0415  (only when there is a config file: a run without one does not pay for it)

    data = read_regular_file(path, "config file", ConfigError, max_bytes=MAX_CONFIG_BYTES)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except (tomllib.TOMLDecodeError, ValueError) as exc:  # ValueError: an integer past Python's digit limit
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def _leaves_tree(path: Path) -> bool:
    """Whether path stands in the working tree (its folder does) but really leads out of it (a symlink)."""
    root = working_tree()  # what a config file found in the checkout may lead to
    return path.parent.resolve().is_relative_to(root) and not path.resolve().is_relative_to(root)


def apply_file(settings: Settings, path: Path, table: Mapping[str, Any]) -> Settings:
    """Settings with the values of a config table applied; unknown keys, wrong types and values out of
    range are a ConfigError naming the file and the key."""
    values: dict[str, Any] = {}
    for key, raw in table.items():
        option = FILE_KEYS.get(key)
        if (flag := FLAGS_ONLY.get(key)) is not None:
            raise ConfigError(f"{path}: '{key}' is a command-line flag only (--{key}): {flag.untrusted_file}")
        if option is None or not isinstance(option.setting, str):
            raise ConfigError(f"{path}: {unknown_key(key, FILE_KEYS)}")
        try:
            value = _checked(option, raw)
        except ValueError as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        if option.file_relative:  # relative to the config file (paths: the seed folders, the corpus)
            value = _relative_to(option, path.parent, value)
        if option.setting in _CONFINED:
            _confined(path, option.setting, raw, value)
        values[option.setting] = value
    return with_values(settings, values)


def _relative_to(option: Option, folder: Path, value: Any) -> Any:
    """A path, each path of a list, or the globs with '/' of a config file, taken from the file's folder."""
    if option.kind is Kind.GLOBS:
        return tuple(anchored(glob, folder) for glob in value)
    if isinstance(value, tuple):  # paths: the seed folders, the corpus
        return tuple(_beside(folder, v) for v in value)
    return _beside(folder, value)


def _beside(folder: Path, value: Path) -> Path:
    return (folder / value).resolve()


# Paths a config file names are used only inside the working tree or the config's folder: a config in a pull
# request must not make the run read (and quote) a file elsewhere, nor replace one (a cache that is not SQLite
# is moved aside). --schema/--cache on the command line may point anywhere.
_CONFINED = {"schema_path": ("schema", "not read"), "cache.path": ("cache", "not written")}


def _confined(config_file: Path, setting: str, written: Any, target: Path) -> None:
    key, refusal = _CONFINED[setting]
    roots = (working_tree(), config_file.parent.resolve())
    if not any(target.is_relative_to(root) for root in roots):
        raise ConfigError(f"{config_file}: {key} {shown(written)} leads outside the working tree ({roots[0]}): "
                          f"{refusal}")


def unknown_key(key: str, known: Mapping[str, Option]) -> str:
    from difflib import get_close_matches  # noqa: PLC0415  (only for a mistake)
    close = get_close_matches(key, list(known), n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(sorted(known))}"
    return f"unknown key {shown(key)}; {hint}"


def host_overrides(value: Any) -> dict[str, HostOverride]:
    """The [hosts."name"] tables (or HostOverride values) as overrides by lower-case host name."""
    if not isinstance(value, Mapping) or len(value) > MAX_ITEMS:
        raise ValueError(f"'hosts' must be a table of at most {MAX_ITEMS} host names")
    overrides = {}
    for name, table in value.items():
        host = name if isinstance(name, str) and name.isprintable() else shown(name)
        if isinstance(table, HostOverride):
            overrides[str(name).lower()] = table
            continue
        if not isinstance(table, Mapping):
            raise ValueError(f"hosts.{host} must be a table")
        changes = {}
        for key, raw in table.items():
            option = HOST_KEYS.get(key)
            if option is None:
                raise ValueError(f"hosts.{host}: {unknown_key(key, HOST_KEYS)}")
            try:
                changes[str(option.setting).removeprefix(HOST)] = option.value(raw)
            except ValueError as exc:
                raise ValueError(f"hosts.{host}: {exc}") from exc
        overrides[str(name).lower()] = HostOverride(**changes)
    return overrides
