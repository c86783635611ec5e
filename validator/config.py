"""Settings: defaults, then `[tool.seed-validator]` in pyproject.toml or seed-validator.toml, then CLI flags."""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from . import __version__
from .errors import ConfigError
from .load import DEFAULT_MAX_BYTES

CONFIG_FILE = "seed-validator.toml"
PYPROJECT_TABLE = ("tool", "seed-validator")
__all__ = ["DEFAULT_MAX_BYTES", "CacheSettings", "HostOverride", "LinkSettings", "Settings"]


@dataclass(frozen=True, slots=True)
class HostOverride:
    """Politeness settings for one host (per-host limit, minimum interval, timeout)."""

    per_host: int | None = None
    host_interval: float | None = None
    timeout: float | None = None


@dataclass(frozen=True, slots=True)
class LinkSettings:
    concurrency: int = 64
    per_host: int = 2
    host_interval: float = 0.0
    timeout: float = 20.0
    connect_timeout: float = 10.0
    retries: int = 2
    retry_after_cap: float = 60.0
    max_redirects: int = 10
    max_body_bytes: int = 2 * 1024 * 1024
    host_failure_limit: int = 5
    user_agent: str = f"seed-validator/{__version__} (link checker; +https://pypi.org/project/seed-validator/)"
    accept: tuple[int, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    hosts: Mapping[str, HostOverride] = field(default_factory=dict)
    allow_private: bool = False
    allow_networks: tuple[str, ...] = ()
    soft_404_probe: bool = True
    # A link that could not be verified in this many runs, over at least this many days, is dead.
    persistent_checks: int = 3
    persistent_days: float = 2.0
    # Archived copies of dead and soft-dead links (--suggest-archived): the availability API to ask.
    suggest_archived: bool = False
    archive_endpoint: str = "https://archive.org/wayback/available"
    archive_timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class CacheSettings:
    enabled: bool = True
    path: Path = Path(".seed-validator/cache.sqlite")
    max_age_good: float = 7 * 86400.0
    max_age_bad: float = 86400.0


@dataclass(frozen=True, slots=True)
class Settings:
    paths: tuple[Path, ...] = (Path("seeds"),)
    offline: bool = False
    schema_path: Path | None = None
    max_file_size: int = DEFAULT_MAX_BYTES
    future_tolerance_hours: float = 24.0
    links: LinkSettings = field(default_factory=LinkSettings)
    cache: CacheSettings = field(default_factory=CacheSettings)

    def verdict_options(self) -> dict[str, Any]:
        """The effective settings that shape verdicts, for the report's run.options."""
        options: dict[str, Any] = {
            "offline": self.offline,
            "schema": str(self.schema_path) if self.schema_path else "builtin",
            "max_file_size": self.max_file_size,
            "future_tolerance_hours": self.future_tolerance_hours,
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


# File keys (kebab-case, as in other [tool.*] tables) → (section, field).
_TOP_KEYS = {"max-file-size": "max_file_size", "future-tolerance-hours": "future_tolerance_hours",
             "schema": "schema_path"}
_LINK_KEYS = {f.name.replace("_", "-"): f.name for f in dataclasses.fields(LinkSettings)}
_CACHE_KEYS = {"cache": "path", "cache-max-age-good": "max_age_good", "cache-max-age-bad": "max_age_bad"}
_HOST_KEYS = {f.name.replace("_", "-"): f.name for f in dataclasses.fields(HostOverride)}


def find_config(directory: Path) -> tuple[Path, dict[str, Any]] | None:
    """The configuration that applies in directory: seed-validator.toml first, then pyproject.toml."""
    for candidate in (directory / CONFIG_FILE, directory / "pyproject.toml"):
        if candidate.is_file():
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
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def apply_file(settings: Settings, path: Path, table: Mapping[str, Any]) -> Settings:
    """Settings with the values of a config table applied; unknown keys and wrong types are errors."""
    top: dict[str, Any] = {}
    links: dict[str, Any] = {}
    cache: dict[str, Any] = {}
    for key, value in table.items():
        if key in _TOP_KEYS:
            top[_TOP_KEYS[key]] = value
        elif key in _CACHE_KEYS:
            cache[_CACHE_KEYS[key]] = value
        elif key == "hosts":
            links["hosts"] = _host_overrides(path, value)
        elif key in _LINK_KEYS:
            links[_LINK_KEYS[key]] = value
        else:
            known = [*_TOP_KEYS, *_LINK_KEYS, *_CACHE_KEYS]
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(sorted(known))}"
            raise ConfigError(f"{path}: unknown key '{key}'{hint}")
    if "schema_path" in top:
        top["schema_path"] = (path.parent / str(top["schema_path"])).resolve()
    if "path" in cache:
        cache["path"] = Path(str(cache["path"]))
    try:
        return replace(settings, top=top, links=links, cache=cache)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def replace(settings: Settings, *, top: Mapping[str, Any] | None = None, links: Mapping[str, Any] | None = None,
            cache: Mapping[str, Any] | None = None) -> Settings:
    """A copy of settings with values replaced, each checked against its field's type."""
    new_links = _checked(settings.links, links or {})
    new_cache = _checked(settings.cache, cache or {})
    return _checked(settings, {**(top or {}), "links": new_links, "cache": new_cache})


_T = TypeVar("_T")


def _checked(instance: _T, changes: Mapping[str, Any]) -> _T:
    current = {f.name: getattr(instance, f.name) for f in dataclasses.fields(instance)}  # type: ignore[arg-type]
    converted = {}
    for name, value in changes.items():
        default = current[name]
        converted[name] = _convert(name, value, default)
    new = dataclasses.replace(instance, **converted)  # type: ignore[type-var]
    _validate(new)
    return new


def _convert(name: str, value: Any, default: Any) -> Any:
    label = name.replace("_", "-")
    if default is None:  # optional values: checked by _validate
        return value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"'{label}' must be true or false, not {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"'{label}' must be a whole number, not {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"'{label}' must be a number, not {value!r}")
        return float(value)
    if isinstance(default, tuple):
        if not isinstance(value, list | tuple):
            raise ValueError(f"'{label}' must be a list, not {value!r}")
        return tuple(value)
    if isinstance(default, str) and not isinstance(value, str):
        raise ValueError(f"'{label}' must be a string, not {value!r}")
    return value


def _validate(instance: object) -> None:
    if isinstance(instance, LinkSettings):
        for name in ("concurrency", "per_host", "max_body_bytes", "host_failure_limit"):
            if getattr(instance, name) < 1:
                raise ValueError(f"'{name.replace('_', '-')}' must be at least 1")
        _validate_archive_endpoint(instance.archive_endpoint)
        for name in ("timeout", "connect_timeout", "archive_timeout"):
            if getattr(instance, name) <= 0:
                raise ValueError(f"'{name.replace('_', '-')}' must be more than 0 seconds")
        if instance.retries < 0 or instance.max_redirects < 0 or instance.host_interval < 0:
            raise ValueError("'retries', 'max-redirects' and 'host-interval' cannot be negative")
        for pattern in (*instance.include, *instance.exclude):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid URL pattern {pattern!r}: {exc}") from exc
        for code in instance.accept:
            if not isinstance(code, int) or not 100 <= code <= 999:
                raise ValueError(f"'accept' takes HTTP status codes, not {code!r}")
        for network in instance.allow_networks:
            parse_allowed(network)
    if isinstance(instance, HostOverride):
        for name in ("per_host", "host_interval", "timeout"):
            value = getattr(instance, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or value <= 0):
                raise ValueError(f"'{name.replace('_', '-')}' must be a number above 0, not {value!r}")
        if instance.per_host is not None and not isinstance(instance.per_host, int):
            raise ValueError("'per-host' must be a whole number")
    if isinstance(instance, Settings) and instance.max_file_size < 1:
        raise ValueError("'max-file-size' must be at least 1 byte")


def _validate_archive_endpoint(endpoint: str) -> None:
    if not endpoint.lower().startswith(("http://", "https://")):
        raise ValueError(f"'archive-endpoint' must be an http(s) URL, not {endpoint!r}")


def parse_allowed(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | str:
    """An allow-list entry: a network in CIDR form, an address, or a host name."""
    if not isinstance(entry, str) or not entry:
        raise ValueError(f"'allow-networks' takes networks or host names, not {entry!r}")
    try:
        return ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return entry.lower().rstrip(".")


def _host_overrides(path: Path, value: Any) -> dict[str, HostOverride]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: 'hosts' must be a table of host names")
    overrides = {}
    for host, table in value.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: hosts.{host} must be a table")
        unknown = set(table) - set(_HOST_KEYS)
        if unknown:
            raise ConfigError(f"{path}: hosts.{host}: unknown key '{sorted(unknown)[0]}'; "
                              f"known keys: {', '.join(sorted(_HOST_KEYS))}")
        try:
            overrides[host.lower()] = _checked(HostOverride(), {_HOST_KEYS[k]: v for k, v in table.items()})
        except ValueError as exc:
            raise ConfigError(f"{path}: hosts.{host}: {exc}") from exc
    return overrides
