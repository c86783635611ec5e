"""The fast path of schema validation: jsonschema-rs decides whether a record is valid, nothing more.

python-jsonschema stays the reference. A record this validator passes is one the reference would pass
too (tests/unit/test_fast_schema.py checks it on the seed, every fixture, generated defects and a
hypothesis strategy); everything else — a rejection, an error, a value that is not plain JSON — goes
to the reference, which reports the findings with their rule ids, messages and positions.

Where the two disagree on formats, the reference's own check is plugged in: jsonschema-rs accepts leap
seconds (23:59:60) and year 0000 in `date-time`, python-jsonschema with rfc3339-validator rejects
both, so `date-time` is checked by the function python-jsonschema calls. Its `uri` is never laxer than
rfc3986-validator's (only stricter: a trailing newline, which Python's `$` lets through), so it runs
natively: that check is most of the formats in a seed and costs ten times more in Python. Any other
format a custom schema names is checked by python-jsonschema's own format checker.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from rfc3339_validator import validate_rfc3339

# Formats whose jsonschema-rs check is never laxer than the reference's (tests/unit/test_fast_schema.py).
NATIVE_FORMATS = frozenset({"uri"})
_JSON_SCALARS = frozenset({str, int, bool, type(None)})


class FastSchema:
    """One compiled jsonschema-rs validator for a schema, or none when it cannot take the schema."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self._validator: Any = None
        try:
            import jsonschema_rs  # noqa: PLC0415  (imported with the first schema, not with the CLI)

            # offline: a remote $ref is never fetched (the reference does not fetch it either). Unknown
            # keywords such as the seed schema's `errorMessage` (read by messages.py) are annotations in
            # 2020-12: jsonschema-rs ignores them (tests/unit/test_fast_schema.py checks it compiles).
            self._validator = jsonschema_rs.validator_for(
                dict(schema), validate_formats=True, formats=reference_formats(schema), offline=True)
        except Exception:  # any schema it cannot compile goes to the reference alone
            self._validator = None

    @property
    def available(self) -> bool:
        return self._validator is not None

    def passes(self, record: object) -> bool:
        """True only when the record is valid; False means 'ask the reference', not 'invalid'."""
        if self._validator is None or not plain_json(record):
            return False
        try:
            return bool(self._validator.is_valid(record))
        except Exception:  # e.g. a lone surrogate the Rust side cannot encode
            return False


def plain_json(value: object) -> bool:
    """Whether value holds only what JSON holds (jsonschema-rs reads a tuple as an array, Python does not)."""
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is dict:
            stack.extend(node.values())
        elif kind is list:
            stack.extend(node)
        elif kind is float:
            if not math.isfinite(node):
                return False
        elif kind not in _JSON_SCALARS:
            return False
    return True


def reference_formats(schema: Mapping[str, Any]) -> dict[str, Callable[[str], bool]]:
    """The formats the schema uses that jsonschema-rs must check the reference's way."""
    names = set(_formats_in(schema)) - NATIVE_FORMATS
    checks: dict[str, Callable[[str], bool]] = {}
    if "date-time" in names:
        checks["date-time"] = is_date_time
        names.discard("date-time")
    if names:
        from jsonschema import Draft202012Validator  # noqa: PLC0415  (custom schemas only)
        from jsonschema.validators import validator_for  # noqa: PLC0415

        checker = validator_for(schema, default=Draft202012Validator).FORMAT_CHECKER
        for name in sorted(names & set(checker.checkers)):
            checks[name] = _conforms(checker, name)
    return checks


def is_date_time(value: str) -> bool:
    """python-jsonschema's `date-time` check, verbatim (jsonschema/_format.py with rfc3339-validator)."""
    return bool(validate_rfc3339(value.upper()))


def _conforms(checker: Any, name: str) -> Callable[[str], bool]:
    return lambda value: bool(checker.conforms(value, name))


def _formats_in(node: object) -> Iterator[str]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "format" and isinstance(value, str):
                yield value
            else:
                yield from _formats_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from _formats_in(item)
