"""Values quoted in messages, bounded whatever their size: one seed scalar may hold megabytes."""

from __future__ import annotations

import reprlib
from itertools import islice
from typing import Any

from .urls import redact, redact_text

MAX_QUOTED = 160  # characters of a value quoted in a message (a long URL still shows whole)


class _BoundedRepr(reprlib.Repr):
    def repr_str(self, x: str, level: int) -> str:
        # a long string is cut: its URLs' credentials are masked first, so no cut leaves half a secret
        return super().repr_str(redact_text(x) if len(x) > self.maxstring else x, level)

    def repr_dict(self, x: dict[Any, Any], level: int) -> str:
        # reprlib sorts every key first; the first few in document order are enough, and cost no more.
        if not x:
            return "{}"
        if level <= 0:
            return "{" + self.fillvalue + "}"
        shown = [f"{self.repr1(key, level - 1)}: {self.repr1(value, level - 1)}"
                 for key, value in islice(x.items(), self.maxdict)]
        if len(x) > self.maxdict:
            shown.append(self.fillvalue)
        return "{" + ", ".join(shown) + "}"


_REPR = _BoundedRepr()
_REPR.maxlevel = 2
_REPR.maxstring = 80
_REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxfrozenset = 6
_REPR.maxdict = 4
_REPR.maxlong = 40
_REPR.maxother = 60
_REPR.fillvalue = "…"


def bounded(text: str, limit: int = MAX_QUOTED) -> str:
    """text itself when it is short, else its start and end around '…' (at most limit characters)."""
    if len(text) <= limit:
        return text
    text = redact_text(text)  # masked before the cut: a cut through '//user:secret@' would hide the '@' that
    head = (limit - 1) * 2 // 3  # marks the secret from Finding's own masking, leaving part of it shown
    return text[:head] + "…" + text[len(text) - (limit - 1 - head):]


def bounded_url(url: str, limit: int = MAX_QUOTED) -> str:
    """A URL quoted in a message: its credentials masked (urls.redact), then bounded."""
    return bounded(redact(url), limit)


def value_repr(value: object) -> str:
    """repr(value) for a message, shortened without ever building the whole repr of a big value."""
    return _REPR.repr(value)


def list_repr(value: list[object]) -> str:
    return _REPR.repr_list(value, _REPR.maxlevel)


def dict_repr(value: dict[object, object]) -> str:
    return _REPR.repr_dict(value, _REPR.maxlevel)


def str_repr(value: str) -> str:
    return _REPR.repr_str(value, _REPR.maxlevel)


def int_repr(value: int) -> str:
    if value.bit_length() > 13_000:  # Python refuses to print integers of more than 4,300 digits
        return f"an integer of {value.bit_length():,} bits"
    digits = int.__repr__(value)  # not str(): a subclass may route it back to its __repr__
    return digits if len(digits) <= _REPR.maxlong else f"{digits[:20]}…{digits[-4:]} ({len(digits):,} digits)"


def repair_mojibake(text: str) -> str | None:
    """If text is UTF-8 that was decoded as CP1252 or Latin-1 (e.g. 'Ã©' for 'é'), the repaired text."""
    if text.isascii():
        return None
    for codec in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if repaired != text:
            return repaired
    return None
