"""Reading the JSON files a run is given (schema, baseline, reports), bounded, with one clear error each.

These files may come from anyone (a report artifact of another job, a baseline in a pull request), so
nothing is trusted before it is checked: only a regular file is read, and at most `max_bytes` of it
whatever its size claims; the JSON may nest at most MAX_DEPTH levels (the parser stops long before it
could exhaust the stack, and what it returns is measured without recursion); NaN, Infinity and numbers
past what a float holds are refused; then the document is checked against its JSON Schema (schemas/,
with bounds on every number) before any code reads it. Every failure is one line naming the file and
its first problem, with the file's own text quoted escaped and short.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any

import jsonschema_rs

from .errors import ValidatorError
from .files import NotRegular, TooLarge, read_regular

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 64
_QUOTED = 120  # characters of the file's text a message quotes at most
_EXPECTED = {"integer": "an integer", "number": "a number", "string": "a string", "boolean": "true or false",
             "object": "an object", "array": "a list", "null": "null"}


def read_json_object(path: Path, what: str, error: type[ValidatorError], *, hint: str = "",
                     max_bytes: int = DEFAULT_MAX_BYTES, size_option: str = "") -> dict[str, Any]:
    """The JSON object in path, or `error` naming the file and what is wrong with it. size_option names
    the setting that raises max_bytes, for the message."""
    data = read_regular_file(path, what, error, hint=hint, max_bytes=max_bytes, size_option=size_option)
    try:
        document = json.loads(data.decode("utf-8"), parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise error(f"{what} {path} is nested more than {MAX_DEPTH} levels deep") from None
    except MemoryError:
        raise error(f"{what} {path} is too large to load") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(f"{what} {path} is not valid JSON: {exc}") from None
    except ValueError as exc:  # NaN, Infinity, 1e999, an integer past Python's digit limit
        raise error(f"{what} {path} is not valid JSON: {printable(str(exc))}") from None
    if not isinstance(document, dict):
        raise error(f"{what} {path} must be a JSON object")
    if _deeper_than(document, MAX_DEPTH):
        raise error(f"{what} {path} is nested more than {MAX_DEPTH} levels deep")
    return document


def read_regular_file(path: Path, what: str, error: type[ValidatorError], *, max_bytes: int, hint: str = "",
                      size_option: str = "") -> bytes:
    """At most max_bytes + 1 bytes of a regular file, read a piece at a time (files.read_regular); opening
    never blocks (a FIFO is refused, not waited on)."""
    try:
        return read_regular(path, max_bytes)
    except NotRegular:
        raise error(f"{what} {path} is not a regular file") from None
    except TooLarge:
        raise error(f"{what} {path} is larger than {max_bytes} bytes" + (f" ({size_option})" if size_option else "")
                    ) from None
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}{hint}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:_QUOTED]} is out of range")
    return value


def _deeper_than(document: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than limit levels (the document itself is level 1): level by
    level, no recursion, each container visited once."""
    level = [document]
    for _ in range(limit):
        deeper = []
        for value in level:
            for child in value.values() if type(value) is dict else value:
                if type(child) is dict or type(child) is list:
                    deeper.append(child)
        if not deeper:
            return False
        level = deeper
    return True


def schema_problem(document: Any, schema_name: str) -> str | None:
    """The first way document breaks the schema of that name in schemas/ (`links[3].line: expected an
    integer or null, got str`), or None when it follows it."""
    error = next(iter(_validator(schema_name).iter_errors(document)), None)
    return None if error is None else _describe(error)


def schema_file(name: str) -> Path:
    """A JSON Schema the package ships (schemas/, installed as the data package validator.schemas). Found
    from the package's own file: importlib.resources would cost every start some 8 ms of imports."""
    return Path(import_module("validator.schemas").__file__ or "").parent / name


@cache
def _validator(schema_name: str) -> jsonschema_rs.Validator:
    schema = json.loads(schema_file(schema_name).read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def _describe(error: jsonschema_rs.ValidationError) -> str:
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{_key(part)}" for part in error.instance_path)
    where = where.removeprefix(".")
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        return f"{where + '.' if where else ''}{_key(kind.property)} is missing"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Type):
        expected = " or ".join(_EXPECTED.get(t, t) for t in sorted(kind.types, key=lambda t: t == "null"))
        got = "null" if error.instance is None else type(error.instance).__name__
        return f"{where or 'the document'}: expected {expected}, got {got}"
    return f"{where or 'the document'}: {printable(error.message)}"


def _key(name: str) -> str:
    return name if name.isidentifier() else printable(json.dumps(name, ensure_ascii=False))


def printable(text: str) -> str:
    """Text from a file, fit for a one-line message: short, every unprintable character escaped."""
    short = text if len(text) <= _QUOTED else text[:_QUOTED] + "…"
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in short)
