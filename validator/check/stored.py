"""A cache row read back: whatever another version or a damaged file left there is checked field by field
(every reader raises one of UNREADABLE on anything else), so a row either reads as a whole or is a miss."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

from ..models import KindVerdict, LinkKind, LinkResult, LinkStatus

UNREADABLE = (ValueError, TypeError, KeyError, OverflowError, RecursionError)


def checked(value: Any) -> float:
    """A stored time: a finite number (an infinite one would make an entry never expire)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"not a time: {value!r}")
    return float(value)


def count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"not a count: {value!r}")
    return value


_TEXT_FIELDS = ("url", "reason", "checked_at")
_INT_FIELDS = ("attempts", "elapsed_ms")


def result_of(status: LinkStatus, data: Any) -> LinkResult:
    """A stored verdict, every field of the type the reports need; ValueError/TypeError/KeyError otherwise."""
    fields = json.loads(data)
    if not isinstance(fields, dict):
        raise TypeError("not an object")
    fields["kind"] = LinkKind(fields["kind"])
    fields["status"] = status
    fields["redirects"] = _texts(fields.get("redirects", []))
    fields["warnings"] = _texts(fields.get("warnings", []))
    fields["kinds"] = _kinds(fields.get("kinds", []))
    for name in _TEXT_FIELDS:
        if not isinstance(fields.get(name, ""), str):
            raise TypeError(name)
    for name in _INT_FIELDS:
        count(fields.get(name, 0))
    if fields.get("http_status") is not None:
        count(fields["http_status"])
    if fields.get("final_url") is not None and not isinstance(fields["final_url"], str):
        raise TypeError("final_url")
    result = LinkResult(**fields)
    if (contradiction := result.contradiction()) is not None:
        raise ValueError(contradiction)
    return dataclasses.replace(result, from_cache=True)


def _kinds(value: Any) -> tuple[KindVerdict, ...]:
    """Each kind's stored verdict (a URL used as several kinds); TypeError/ValueError/KeyError when malformed."""
    if not isinstance(value, list) or not all(isinstance(v, dict) and isinstance(v["reason"], str) for v in value):
        raise TypeError("kinds: not a list of verdicts")
    return tuple(KindVerdict(LinkKind(v["kind"]), LinkStatus(v["status"]), v["reason"], _texts(v.get("warnings", [])))
                 for v in value)


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("not a list of texts")
    return tuple(value)
