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
        return self._compiled.search(url) is not None


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
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(f"invalid URL pattern {pattern!r}: {reason} (patterns use RE2 syntax, matched in "
                           "linear time: no backreferences or look-around)") from exc
