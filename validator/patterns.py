"""User-supplied URL patterns (include, exclude), matched in linear time.

Python's `re` backtracks: `^https?://(a+)+$` takes seconds per URL and doubles with each character. The
patterns come from configuration that a pull request can change, so they are compiled with RE2, whose
matching time is linear in the URL's length whatever the pattern. RE2 has no backreferences or look-around;
a pattern using them is refused with a message saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

# Compiled program size limit: a pattern like `(a{1000}){1000}` is refused instead of using this much memory.
_MAX_MEMORY = 8 << 20
MAX_PATTERN_LENGTH = 1000


class PatternError(ValueError):
    """A URL pattern that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class UrlPattern:
    """One compiled pattern: `search` answers whether it occurs anywhere in a URL (like re.search)."""

    pattern: str
    _compiled: Any

    def search(self, url: str) -> bool:
        return self._compiled.search(_encodable(url)) is not None


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern to stderr itself
    options.max_mem = _MAX_MEMORY
    return options


def compile_url_pattern(pattern: str) -> UrlPattern:
    """The pattern compiled for linear-time matching; PatternError (a ValueError) when it cannot be."""
    if not isinstance(pattern, str):
        raise PatternError(f"a URL pattern must be a string, not {type(pattern).__name__}")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"URL pattern of {len(pattern)} characters; at most {MAX_PATTERN_LENGTH}")
    try:
        return UrlPattern(pattern, re2.compile(pattern, _options()))
    except re2.error as exc:
        raise PatternError(f"invalid URL pattern {pattern!r}: {_reason(exc)} (patterns use RE2 syntax, matched in "
                           "linear time: no backreferences or look-around)") from exc


def _reason(exc: Exception) -> str:
    return exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)


# -- file globs (exclude-files, extend-exclude-files) --
_REGEX_SPECIAL = frozenset("\\.^$|?*+()[]{}")


_GLOB_SPECIAL = "*?[]"


@dataclass(frozen=True, slots=True)
class PathGlobs:
    """Globs compiled into one RE2 program: `match` answers whether a path (with '/') matches one of them,
    or lies below a folder that does.

    Each glob's literal text before its first wildcard and after its last one is kept too: a path that does
    not start with one glob's prefix (and, when it is a single name, end with its suffix) matches none, which
    str.startswith tells in a tenth of the time an RE2 call takes (a walk asks for every file)."""

    globs: tuple[str, ...]
    _compiled: Any
    _literals: tuple[tuple[str, str], ...] = ()

    def match(self, path: str) -> bool:
        text = path if path.isascii() else _encodable(path)
        name = "/" not in text  # a single name cannot go on below the match: the suffix must end it
        if not any(text.startswith(prefix) and (not name or text.endswith(suffix))
                   for prefix, suffix in self._literals):
            return False
        return self._compiled.search(text) is not None


def _encodable(text: str) -> str:
    """text as RE2 can take it: a file name that is not UTF-8 holds lone surrogates (surrogateescape), which
    RE2 cannot encode; each becomes U+FFFD, which any '*' or '?' matches and no literal does."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text


def compile_path_globs(globs: tuple[str, ...]) -> PathGlobs | None:
    """The globs (`*` and `?` within one name, `**` across folders, `[...]` a set of characters) as one
    linear-time matcher of whole paths; None for no globs; PatternError when RE2 refuses the program."""
    if not globs:
        return None
    for glob in globs:
        if not isinstance(glob, str) or not glob or len(glob) > MAX_PATTERN_LENGTH:
            raise PatternError(f"a file glob must be a string of 1 to {MAX_PATTERN_LENGTH} characters, not {glob!r}")
    program = "^(?:" + "|".join(glob_regex(glob) for glob in globs) + ")(?:/.*)?$"
    try:
        return PathGlobs(globs, re2.compile(program, _options()), tuple(map(_literal_ends, globs)))
    except re2.error as exc:
        what = f"the file glob {globs[0]!r}" if len(globs) == 1 else f"these {len(globs)} file globs together"
        raise PatternError(f"cannot use {what}: {_reason(exc)}") from exc


def _literal_ends(glob: str) -> tuple[str, str]:
    """The glob's text before its first special character and after its last one (both all of it when it has
    none): what every path it matches starts with, and every name it matches ends with."""
    first = min((at for at in map(glob.find, _GLOB_SPECIAL) if at >= 0), default=len(glob))
    last = max(map(glob.rfind, _GLOB_SPECIAL))
    if last > 0 and glob.startswith("**/", last - 1):
        last += 1  # '**/' may match nothing at all: its '/' is no literal
    return glob[:first], glob[last + 1:]


def glob_regex(glob: str) -> str:
    """A glob as a regular expression over a path written with '/'."""
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] in "*?":
            out.append("[^/]*" if glob[i] == "*" else "[^/]")
            i += 1
        elif glob[i] == "[" and (end := glob.find("]", i + 2)) > 0:
            body = glob[i + 1:end]
            negated = body.startswith("!")
            body = "".join("\\" + c if c in "\\[]^" else c for c in body[1 if negated else 0:])
            out.append(f"[{'^' if negated else ''}{body}]")
            i = end + 1
        else:
            out.append("\\" + glob[i] if glob[i] in _REGEX_SPECIAL else glob[i])
            i += 1
    return "".join(out)


def glob_escape(text: str) -> str:
    """Text (a folder's path) as a glob that matches exactly it."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)
