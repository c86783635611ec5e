"""Typed reads from a parsed JSON document: each names where a value is missing or of the wrong type.

A report given to `merge` or `diff` may be anything; the codec reads it through these, so a wrong one
ends as one message (`links[3].line: expected an integer or null, got str`), never as a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_MISSING: Any = object()


class DocumentError(ValueError):
    """A document is not laid out as expected; the message says where."""


def at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def as_mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise DocumentError(f"{where or 'the document'}: expected an object, got {_kind(value)}")
    return value


def _value(obj: Any, key: str, where: str, default: Any) -> Any:
    container = as_mapping(obj, where)
    if key in container:
        return container[key]
    if default is _MISSING:
        raise DocumentError(f"{at(where, key)} is missing")
    return default


def _typed(obj: Any, key: str, where: str, *, default: Any = _MISSING, types: tuple[type, ...],
           expected: str) -> Any:
    value = _value(obj, key, where, default)
    if value is default and default is not _MISSING:
        return value
    return _checked(value, at(where, key), types, expected)


def _checked(value: Any, where: str, types: tuple[type, ...], expected: str) -> Any:
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        raise DocumentError(f"{where}: expected {expected}, got {_kind(value)}")
    return value


def mapping(obj: Any, key: str, where: str) -> Mapping[str, Any]:
    return as_mapping(_value(obj, key, where, _MISSING), at(where, key))


def items(obj: Any, key: str, where: str = "", default: Any = _MISSING) -> list[tuple[str, Any]]:
    """The elements of a list, each with where it stands (`links[3]`)."""
    values: list[Any] = _typed(obj, key, where, default=default, types=(list,), expected="a list")
    return [(f"{at(where, key)}[{index}]", value) for index, value in enumerate(values)]


def text(obj: Any, key: str, where: str) -> str:
    value: str = _typed(obj, key, where, types=(str,), expected="a string")
    return value


def optional_text(obj: Any, key: str, where: str) -> str | None:
    value: str | None = _typed(obj, key, where, types=(str, type(None)), expected="a string or null")
    return value


def texts(obj: Any, key: str, where: str, default: Any = _MISSING) -> list[str]:
    return [_checked(value, place, (str,), "a string") for place, value in items(obj, key, where, default)]


def integer(obj: Any, key: str, where: str) -> int:
    value: int = _typed(obj, key, where, types=(int,), expected="an integer")
    return value


def optional_integer(obj: Any, key: str, where: str, default: Any = _MISSING) -> int | None:
    value: int | None = _typed(obj, key, where, default=default, types=(int, type(None)),
                               expected="an integer or null")
    return value


def boolean(obj: Any, key: str, where: str, default: Any = _MISSING) -> bool:
    value: bool = _typed(obj, key, where, default=default, types=(bool,), expected="true or false")
    return value


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__
