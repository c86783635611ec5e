"""The option declarations: the parser, the config reader, Settings and the README all follow them."""

from __future__ import annotations

import argparse
import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from validator import cli, config
from validator.cli.parser import default_text
from validator.declared import AT_SETTING, FILE_KEYS, HOST_KEYS, OPTIONS
from validator.options import HOST, Kind, Option


def _sample(option: Option) -> Any:
    """A valid value for the option that differs from its default, as TOML would give it."""
    high = option.range.high if option.range is not None else None
    samples: dict[Kind, Any] = {
        Kind.BOOL: not option.default, Kind.INT: int(high) if high is not None else 7,
        Kind.FLOAT: float(high) if high is not None else 1.5, Kind.STR: option.choices[-1] if option.choices else "https://x.example/x",
        Kind.PATH: "some/file", Kind.PATHS: ["a", "b"], Kind.INTS: [int(high) if high is not None else 1],
        Kind.STRS: ["^https://x\\.example/"], Kind.GLOBS: ["*.bak", "old/*.txt"],
        Kind.HOSTS: {"h.example": {"per-host": 1}}, Kind.DURATIONS: "1h,2m",
    }
    return samples[option.kind]


def _expected(option: Option, sample: Any) -> Any:
    converted: dict[Kind, Callable[[Any], Any]] = {
                 Kind.PATH: Path, Kind.PATHS: lambda v: tuple(map(Path, v)), Kind.INTS: tuple, Kind.STRS: tuple,
                 Kind.GLOBS: tuple,
                 Kind.DURATIONS: lambda v: (3600.0, 120.0),
                 Kind.HOSTS: lambda v: {"h.example": config.HostOverride(per_host=1)}}
    return converted.get(option.kind, lambda v: v)(sample)


def _at(settings: config.Settings, path: str) -> Any:
    value: Any = settings
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _argv(option: Option, command: str, sample: Any) -> list[str]:
    """command line giving the sample to the option, and a filler to every other required positional."""
    if option.kind is Kind.GLOBS:  # one comma-separated value, as ruff takes them
        sample = ",".join(sample)
    values = [str(v) for v in sample] if isinstance(sample, list) else [] if option.kind is Kind.BOOL else [str(sample)]
    positionals: list[str] = []
    for other in OPTIONS:
        if other.positional and command in other.commands:
            positionals += values if other is option else [] if other.nargs == "*" else ["x.json"]
    return [command, *([] if option.positional else [option.flag_text, *values]), *positionals]


@pytest.mark.parametrize("option", [o for o in OPTIONS if o.flag], ids=lambda o: o.flag_text)
def test_every_flag_reaches_its_argument_and_setting(option: Option, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    sample = _sample(option)
    for command in option.commands:
        args = cli.build_parser().parse_args(_argv(option, command, sample))
        if option.setting is None:
            wanted = _expected(option, sample)
            assert getattr(args, option.dest) in (wanted, list(wanted) if isinstance(wanted, tuple) else wanted)
            continue
        settings = cli.settings_from(args)
        targets = option.setting if isinstance(option.setting, tuple) else (option.setting,)
        values = _expected(option, sample)
        for target, value in zip(targets, values if isinstance(option.setting, tuple) else (values,), strict=True):
            assert _at(settings, target) == value


@pytest.mark.parametrize("option", [o for o in OPTIONS if o.key], ids=lambda o: o.setting)
def test_every_config_key_reaches_its_setting(option: Option, tmp_path: Path) -> None:
    sample = _sample(option)
    path = tmp_path / "seed-validator.toml"
    if str(option.setting).startswith(HOST):
        settings = config.apply_file(config.Settings(), path, {"hosts": {"h.example": {option.name: sample}}})
        override = settings.links.hosts["h.example"]
        assert getattr(override, str(option.setting).removeprefix(HOST)) == sample
        return
    settings = config.apply_file(config.Settings(), path, {option.name: sample})
    wanted = _expected(option, sample)
    if option.file_relative and option.kind is Kind.GLOBS:  # a glob with '/' is taken from the file's folder
        wanted = tuple(glob if "/" not in glob else f"{tmp_path}/{glob}" for glob in wanted)
    elif option.file_relative:
        wanted = tuple((tmp_path / w).resolve() for w in wanted) if isinstance(wanted, tuple) else \
            (tmp_path / wanted).resolve()
    assert _at(settings, str(option.setting)) == wanted


def _leaf_fields(instance: Any, prefix: str = "") -> dict[str, Any]:
    leaves = {}
    for field in dataclasses.fields(instance):
        value = getattr(instance, field.name)
        if dataclasses.is_dataclass(value):
            leaves.update(_leaf_fields(value, f"{field.name}."))
        else:
            leaves[prefix + field.name] = value
    return leaves


def test_every_setting_is_declared_once_with_its_default() -> None:
    declared = [o.setting for o in OPTIONS if isinstance(o.setting, str)]
    assert len(declared) == len(set(declared))
    fields = {**_leaf_fields(config.Settings()), **{HOST + k: v for k, v in
                                                     _leaf_fields(config.HostOverride()).items()}}
    assert set(fields) == set(AT_SETTING)
    for path, value in fields.items():
        assert value == AT_SETTING[path].default, path
    for option in OPTIONS:  # a flag that sets several settings sets declared ones
        if isinstance(option.setting, tuple):
            assert set(option.setting) <= set(AT_SETTING)


def test_names_are_kebab_case_and_unique_per_command() -> None:
    for option in OPTIONS:
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", option.name), option.name
    for command in cli.parser.COMMANDS:
        names = [o.name for o in OPTIONS if o.flag and command in o.commands]
        assert len(names) == len(set(names)), command
    assert "per-host" in FILE_KEYS and set(HOST_KEYS) == {"per-host", "host-interval", "timeout",
                                                                         "soft-404-probe"}


def _parsers() -> list[argparse.ArgumentParser]:
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [parser, *subparsers.choices.values()]


def test_abbreviations_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert all(not p.allow_abbrev for p in _parsers())
    with pytest.raises(SystemExit) as stopped:
        cli.build_parser().parse_args(["check", "--conc", "3"])
    assert stopped.value.code == 2
    assert "unrecognized arguments: --conc" in capsys.readouterr().err


def test_help_shows_each_default_once() -> None:
    for parser in _parsers():
        text = parser.format_help()
        assert "(default:" not in text and "default: None" not in text
    check = _parsers()[1].format_help()
    assert check.count("default: 64") == 1 and "[default: 64; range: 1 to 1000]" in " ".join(check.split())
    assert "[default: 7d,1d; range: 0s to 365d]" in " ".join(check.split())


def readme_table() -> list[str]:
    """The README's configuration table, as the declarations say it."""
    rows = ["| key | flag | default | range | meaning |", "|---|---|---|---|---|"]
    for option in OPTIONS:
        if not option.key:
            continue
        key = f'hosts."NAME".{option.name}' if str(option.setting).startswith(HOST) else option.name
        flag = "" if not option.flag else f"`{option.metavar} ...`" if option.positional else f"`{option.flag_text}`"
        default = _toml_default(option)
        if default and option.shown is None:
            default = f"`{default}`"
        rows.append(f"| `{key}` | {flag} | {default or ''} | "
                    f"{option.range.text() if option.range else ''} | {option.help} |")
    return rows


def _toml_default(option: Option) -> str | None:
    if isinstance(option.default, bool):
        return str(option.default).lower()
    if option.default == ():
        return "[]"
    return None if option.default == {} else default_text(option)


def test_the_readme_documents_every_key_with_its_default_and_range() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    expected = readme_table()
    start = readme.index(expected[0]) if expected[0] in readme else -1
    assert readme[start:start + len(expected)] == expected, "README table should be:\n" + "\n".join(expected)


def test_the_commands_that_run_checks_say_their_exit_codes_in_help() -> None:
    for parser in _parsers()[1:]:
        text = " ".join(parser.format_help().split())
        if parser.prog.split()[-1] in ("check", "baseline", "merge"):
            assert "Exit codes: 0 nothing at or above --fail-on, 1 findings that fail" in text, parser.prog
            assert "3 inconclusive (network unavailable, nothing failing definitely)" in text
