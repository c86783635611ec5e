"""The argparse parser and the Settings of a command line, both derived from the declarations (declared.py)."""

from __future__ import annotations

import argparse
import dataclasses
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import __version__, config
from ..declared import AT_SETTING, OPTIONS
from ..errors import ConfigError
from ..options import Kind, Option, duration_text, number_text
from ..report.writer import FORMATS

PROG = "seed-validator"
EPILOG = ("Exit codes: 0 nothing at or above --fail-on, 1 findings that fail (even when the link stage was also "
          "inconclusive), 2 usage or configuration error, "
          "3 inconclusive (network unavailable, nothing failing definitely), 130/143 interrupted (Ctrl-C/SIGTERM; "
          "a report marked incomplete is still written). Settings can also live in seed-validator.toml or "
          "[tool.seed-validator] in pyproject.toml, the nearest from the working directory up to the repository's "
          "top; flags override them.")
# name → (one-line help, description)
COMMANDS = {
    "check": ("validate seed files and check their links",
              "Validate seed files (structure, metadata) and, unless --offline, check every link."),
    "baseline": ("write a baseline of today's findings",
                 "Run the same checks as `check` and write every finding (by file, pointer, rule and URL, not "
                 "line) to a baseline file; `check --baseline FILE` then fails only on new findings."),
    "diff": ("compare two JSON reports",
             "Print (and write as Markdown) what changed between two report.json files: links that broke or "
             "recovered, findings new or fixed."),
    "merge": ("combine shard reports into one",
              "Combine the report.json of every shard (--shard K/N) into one report; it is complete only when "
              "all N shards are present."),
    "schema": ("print the path (or content) of the schema in use", "Print the path of the seed JSON Schema in use."),
}
_HELP_FACTS = {"formats": ",".join(FORMATS)}


class _Formatter(argparse.HelpFormatter):
    """Wraps help at spaces only: paths and names like seed-validator.toml stay whole."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, allow_abbrev=False, epilog=EPILOG, formatter_class=_Formatter,
                                     description="Validate news seed records: structure (JSON Schema + domain "
                                                 "rules) and link health.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (summary, description) in COMMANDS.items():
        command = commands.add_parser(name, help=summary, description=description, allow_abbrev=False,
                                      formatter_class=_Formatter,
                                      epilog=EPILOG if name in ("check", "baseline", "merge") else None)
        groups: dict[str | None, Any] = {None: command}
        for option in OPTIONS:
            if option.flag and name in option.commands:
                if option.group not in groups:
                    groups[option.group] = command.add_argument_group(option.group)
                _add(groups[option.group], option)
    return parser


def _add(group: Any, option: Option) -> None:
    names = [option.dest] if option.positional else [option.flag_text, *([option.short] if option.short else [])]
    spec: dict[str, Any] = {"help": help_text(option)}
    if option.kind is Kind.BOOL:
        # a setting's flag is None when not given, so the config file's value stands
        spec.update(action="store_const", const=not option.default,
                    default=None if option.setting else option.default)
    else:
        spec.update(type=_reader(option), metavar=option.metavar, default=None if option.setting else option.default)
        if option.choices:
            spec.update(choices=option.choices, metavar=None, type=None)
        if option.nargs:
            spec["nargs"] = option.nargs
        if option.kind in (Kind.GLOBS, Kind.STRS):
            spec["action"] = "extend"  # repeated flags add up, like ruff's
    if not option.positional:
        spec["dest"] = option.dest
    group.add_argument(*names, **spec)


def _reader(option: Option) -> Callable[[str], Any]:
    def read(text: str) -> Any:
        try:
            return option.from_text(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    read.__name__ = option.kind.value  # argparse names the type in some messages
    return read


def help_text(option: Option) -> str:
    """The option's help with its default (once) and documented range, as --help shows it."""
    facts = []
    default = default_text(option)
    if default is not None:
        facts.append(f"default: {default}")
    if option.range is not None:
        facts.append(f"range: {option.range.text(duration_text if option.kind is Kind.DURATIONS else None)}")
    text = option.help.format_map(_HELP_FACTS) + (f" [{'; '.join(facts)}]" if facts else "")
    return text.replace("%", "%%")


def default_text(option: Option) -> str | None:
    if option.shown is not None:
        return option.shown
    if isinstance(option.setting, tuple):  # one flag for several settings: their defaults
        return ",".join(duration_text(AT_SETTING[path].default) for path in option.setting)
    if option.kind is Kind.BOOL or option.default is None:
        return None
    if isinstance(option.default, tuple):
        return " ".join(str(item) for item in option.default) or None
    return number_text(option.default) if isinstance(option.default, float) else str(option.default)


def settings_from(args: argparse.Namespace) -> config.Settings:
    """The settings of a parsed command line: the defaults, then the config file, then the flags given."""
    settings = _file_settings(getattr(args, "config", None))
    values: dict[str, Any] = {}
    for option in OPTIONS:
        if option.setting is None or args.command not in option.commands or not option.flag:
            continue
        value = getattr(args, option.dest, None)
        if value is None or (value == [] and option.positional):  # nargs="*" not given; `--exclude-files ''` is []
            continue
        if isinstance(option.setting, tuple):
            values.update(zip(option.setting, value, strict=True))
        elif option.accumulates:
            values[option.setting] = (*config.setting_value(settings, option.setting), *value)
        else:
            values[option.setting] = tuple(value) if isinstance(value, list) else value
    return config.with_values(settings, values)


def _file_settings(path: Path | None) -> config.Settings:
    settings = config.Settings()
    if path is not None:
        if not path.exists():  # anything else there (a FIFO, a device) is refused by read_config, unopened
            raise ConfigError(f"config file {path} not found")
        table = config.read_config(path)
        settings = dataclasses.replace(settings, config_file=path)
        return config.apply_file(settings, path, table) if table is not None else settings
    found = config.discover_config(Path.cwd())
    if found is None:
        return settings
    return config.apply_file(dataclasses.replace(settings, config_file=found[0]), *found)
