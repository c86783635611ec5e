"""Values quoted in messages, bounded whatever their size: one seed scalar may hold megabytes."""

from __future__ import annotations

import reprlib

MAX_QUOTED = 160  # characters of a value quoted in a message (a long URL still shows whole)

_REPR = reprlib.Repr()
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
    head = (limit - 1) * 2 // 3
    return text[:head] + "…" + text[len(text) - (limit - 1 - head):]


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
    digits = str(value)
    return digits if len(digits) <= _REPR.maxlong else f"{digits[:20]}…{digits[-4:]} ({len(digits):,} digits)"
