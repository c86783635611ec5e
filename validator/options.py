"""How an option is declared and how its values are read: kinds, documented ranges, checks.

The declarations themselves are the table in `declared.py`; the argparse parser (cli/parser.py), the
config-file reader (config.py) and the README's configuration table are all derived from it.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from .patterns import compile_path_globs, compile_url_pattern

RUN = ("check", "baseline")  # the commands that run the pipeline share its options
HOST = "host."  # settings path prefix of the per-host overrides ([hosts."name"] tables in a config file)
MAX_ITEMS = 1000  # entries in one list option
_DURATION = re.compile(r"^\s*(\d{1,12}(?:\.\d{1,6})?)\s*([smhd]?)\s*$")
# An http(s) URL prefix that stands in a Markdown or HTML link as it is: no quotes, brackets, spaces, query or
# fragment (the file's path is appended to it).
_HTTP_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~!$&*+,;=:@%/-]*)?")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class Kind(Enum):
    """What an option's value is, as the user writes it."""

    BOOL = "true or false"
    INT = "a whole number"
    FLOAT = "a number"
    STR = "a string"
    PATH = "a path"
    PATHS = "a list of paths"
    INTS = "a list of whole numbers"
    STRS = "a list of strings"
    GLOBS = "a list of file globs"
    HOSTS = "a table of host names"
    DURATIONS = "GOOD[,BAD] durations"


@dataclass(frozen=True, slots=True)
class Range:
    """Inclusive bounds; `above` makes the lower bound itself invalid (a timeout must be more than 0)."""

    low: float
    high: float
    above: bool = False

    def __contains__(self, value: float) -> bool:
        return (value > self.low if self.above else value >= self.low) and value <= self.high

    def text(self, unit: Callable[[float], str] | None = None) -> str:
        show = unit or number_text
        if self.above:
            return f"more than {show(self.low)} and at most {show(self.high)}"
        return f"{show(self.low)} to {show(self.high)}"

    def message(self, name: str, value: Any, unit: Callable[[float], str] | None = None) -> str:
        show = unit or number_text
        low = f"a number above {show(self.low)}" if self.above else f"at least {show(self.low)}"
        return f"'{name}' must be {low} and at most {show(self.high)}, not {show(value) if unit else shown(value)}"


@dataclass(frozen=True, slots=True)
class Option:
    """One option, declared once. `setting` is where its value lives in Settings ("links.per_host"; a tuple
    when one flag sets several; None for a command's own option, read from the parsed arguments)."""

    name: str  # kebab-case: the config-file key and, with `--`, the flag
    kind: Kind
    default: Any
    help: str
    setting: str | tuple[str, ...] | None = None
    flag: bool = True  # a command-line flag (or positional argument)
    key: bool = False  # a config-file key
    commands: tuple[str, ...] = RUN
    range: Range | None = None  # for lists: of each entry
    items: str = ""  # for lists: what each entry is, in messages
    check: Callable[[str, Any], None] | None = None  # a further test of a value (of each entry of a list)
    metavar: str | None = None
    short: str | None = None
    group: str | None = None  # the --help section
    choices: tuple[str, ...] = ()
    positional: bool = False
    nargs: str | None = None
    shown: str | None = None  # the default as --help says it, when it is not a plain value
    file_relative: bool = False  # in a config file, a relative path is relative to that file
    writes: str | None = None  # "dir" or "file": the command writes there; checked before any work
    accumulates: bool = False  # a list whose flag adds to the config file's entries (ruff's extend-*)
    untrusted_file: str = ""  # a flag only: why a config file, which a pull request can change, may not set it
    flag_name: str | None = None  # the flag's name when not the key's: `no-KEY` turns off a key true by default

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    @property
    def flag_text(self) -> str:
        """The flag as typed: `--per-host`, `--no-soft-404-probe`."""
        return f"--{self.flag_name or self.name}"

    def value(self, raw: Any) -> Any:
        """raw (from TOML, or from argparse for a flag) checked and converted; ValueError names the option."""
        converted = _READERS[self.kind](self, raw)
        if self.check is not None and self.kind not in _LISTS:
            self.check(self.name, converted)
        return converted

    def from_text(self, text: str) -> Any:
        """A command-line value (one entry of a PATHS positional or STRS list; GLOBS comma-separated, as ruff takes
        them)."""
        if self.kind is Kind.GLOBS:
            return self.value([glob.strip() for glob in text.split(",") if glob.strip()])
        if self.kind is Kind.STRS:  # one entry a flag; repeated flags add up
            return self.value([text])
        try:
            raw: Any = {Kind.INT: int, Kind.FLOAT: float}.get(self.kind, str)(text)
        except ValueError:
            raise ValueError(f"'{self.name}' must be {self.kind.value}, not {shown(text)}") from None
        return _path(self, raw) if self.kind is Kind.PATHS else self.value(raw)


def shown(value: Any) -> str:
    """A value for a message, never long (and never converting a huge integer to text)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return "a number with more than 19 digits"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _bool(option: Option, raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise ValueError(f"'{option.name}' must be true or false, not {shown(raw)}")
    return raw


def _int(option: Option, raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValueError(f"'{option.name}' must be a whole number, not {shown(raw)}")
    if option.range is not None and raw not in option.range:
        raise ValueError(option.range.message(option.name, raw))
    return raw


def _float(option: Option, raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(f"'{option.name}' must be a number, not {shown(raw)}")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise ValueError(f"'{option.name}' must be a finite number, not {shown(raw)}")
    if option.range is not None and raw not in option.range:
        unit = duration_text if option.kind is Kind.DURATIONS else None
        raise ValueError(option.range.message(option.name, raw, unit))
    return float(raw)


def _str(option: Option, raw: Any) -> str:
    if not isinstance(raw, str):
        raise ValueError(f"'{option.name}' must be a string, not {shown(raw)}")
    return raw


def _path(option: Option, raw: Any) -> Path:
    if isinstance(raw, Path):
        raw = str(raw)
    if not isinstance(raw, str) or not raw or "\x00" in raw:
        raise ValueError(f"'{option.name}' must be a path, not {shown(raw)}")
    return Path(raw)


def _list(option: Option, raw: Any) -> tuple[Any, ...]:
    if not isinstance(raw, list | tuple):
        raise ValueError(f"'{option.name}' must be a list, not {shown(raw)}")
    if len(raw) > MAX_ITEMS:
        raise ValueError(f"'{option.name}' takes at most {MAX_ITEMS} entries, not {len(raw)}")
    if option.kind is Kind.PATHS and not raw:  # e.g. `paths = []`: a run over nothing would pass silently
        raise ValueError(f"'{option.name}' must name at least one path")
    entries = []
    for entry in raw:
        entries.append(_entry(option, entry))
        if option.check is not None:
            option.check(option.name, entry)
    return tuple(entries)


def _entry(option: Option, entry: Any) -> Any:
    if option.kind is Kind.PATHS:
        return _path(option, entry)
    if option.kind is Kind.GLOBS and (not isinstance(entry, str) or not entry or "\x00" in entry):
        raise ValueError(f"'{option.name}' takes {option.kind.value}, not {shown(entry)}")
    wanted: type = int if option.kind is Kind.INTS else str
    in_range = option.range is None or (isinstance(entry, int) and entry in option.range)
    if isinstance(entry, bool) or not isinstance(entry, wanted) or not in_range:
        bounds = f" from {option.range.text()}" if option.range is not None else ""
        raise ValueError(f"'{option.name}' takes {option.items or option.kind.value}{bounds}, not {shown(entry)}")
    return entry


def _durations(option: Option, raw: Any) -> tuple[float, float]:
    """GOOD[,BAD] (e.g. 7d,1d) as seconds; BAD defaults to GOOD."""
    good_text, _, bad_text = _str(option, raw).partition(",")
    good = _seconds(option, good_text)
    return good, _seconds(option, bad_text) if bad_text else good


def _seconds(option: Option, text: str) -> float:
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"cannot read {text!r} as a duration; write e.g. 7d, 12h, 30m or 90s")
    return _float(option, float(match.group(1)) * _UNIT_SECONDS[match.group(2) or "s"])


def _hosts(option: Option, raw: Any) -> Any:
    raise TypeError("host tables are read by config.host_overrides")


_LISTS = {Kind.PATHS, Kind.INTS, Kind.STRS, Kind.GLOBS}
_READERS: dict[Kind, Callable[[Option, Any], Any]] = {
    Kind.BOOL: _bool, Kind.INT: _int, Kind.FLOAT: _float, Kind.STR: _str, Kind.PATH: _path,
    Kind.PATHS: _list, Kind.INTS: _list, Kind.STRS: _list, Kind.GLOBS: _list, Kind.HOSTS: _hosts,
    Kind.DURATIONS: _durations,
}


def duration_text(seconds: float) -> str:
    """Seconds in the largest unit that divides them (604800 → 7d), as --max-cache-age takes them."""
    for unit, size in sorted(_UNIT_SECONDS.items(), key=lambda item: -item[1]):
        if seconds and seconds % size == 0:
            return f"{number_text(seconds / size)}{unit}"
    return f"{number_text(seconds)}s"


def url_pattern(name: str, pattern: Any) -> None:
    try:
        compile_url_pattern(pattern)
    except ValueError as exc:
        raise ValueError(f"'{name}': {exc}") from exc


def path_glob(name: str, glob: Any) -> None:
    try:
        compile_path_globs((glob,))
    except ValueError as exc:
        raise ValueError(f"'{name}': {exc}") from exc


def http_url(name: str, value: Any) -> None:
    """An absolute http(s) URL that can prefix a file's path in a Markdown or HTML link as it is."""
    if not _HTTP_URL.fullmatch(value):
        raise ValueError(f"{shown(value)} is not an http(s) URL usable as '{name}' (no quotes, brackets, spaces, "
                         "query or fragment)")


def endpoint_url(name: str, value: Any) -> None:
    """An absolute http(s) URL with a host that requests are sent to (a query may follow)."""
    scheme, _, rest = value.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].rpartition("@")[2]
    if scheme.lower() not in ("http", "https") or not host or len(value) > 2048 or \
            any(c.isspace() or not c.isprintable() for c in value):
        raise ValueError(f"'{name}' must be an http(s) URL, not {shown(value)}")


def header_value(name: str, value: Any) -> None:
    if len(value) > 512 or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError(f"'{name}' must be at most 512 characters without control characters, not {shown(value)}")


def parse_allowed(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | str:
    """An allow-list entry: a network in CIDR form, an address, or a host name."""
    if not isinstance(entry, str) or not entry:
        raise ValueError(f"'allow-networks' takes networks or host names, not {entry!r}")
    try:
        return ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return entry.lower().rstrip(".")


def allowed_entry(name: str, entry: Any) -> None:
    parse_allowed(entry)
