"""jsonschema's messages reworded where they speak schema: a dependency as "cdnAmpWebUrl needs ampWebUrl",
a value by the shape its schema describes in words (`errorMessage`) instead of a regular expression.

`errorMessage` follows ajv-errors' convention: in the subschema that fails, either one text for any keyword
or a mapping from keyword to text, written to follow the value ("must be two base64 parts joined by ';'").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import options
from ..positions import escape

if TYPE_CHECKING:
    from jsonschema import ValidationError

_MAX_SHOWN = 80
_DEPENDENCY_KEYWORDS = frozenset({"dependentRequired", "dependencies"})


class Reworded(NamedTuple):
    message: str
    at_key: str | None = None  # the finding's position: this key of the failing mapping (its pointer stays)


def reworded(error: ValidationError) -> Reworded | None:
    """A clearer message for error, or None to keep jsonschema's."""
    if error.validator in _DEPENDENCY_KEYWORDS:
        return _dependency(error)
    text = described(error.schema, str(error.validator))
    if text is not None:
        return Reworded(f"{shown(error.instance)} {text}")
    return None


def described(schema: Any, keyword: str) -> str | None:
    """The schema's own words for a failure of keyword (its errorMessage), if it has them."""
    words = schema.get("errorMessage") if isinstance(schema, Mapping) else None
    if isinstance(words, Mapping):
        words = words.get(keyword)
    return words if isinstance(words, str) and words.strip() else None


def _dependency(error: ValidationError) -> Reworded | None:
    """'cdnAmpWebUrl needs ampWebUrl, which is missing', at the key that is there. jsonschema says
    "'ampWebUrl' is a dependency of 'cdnAmpWebUrl'" for each pair; the pair is found again from it."""
    instance, dependencies = error.instance, error.validator_value
    if not isinstance(instance, Mapping) or not isinstance(dependencies, Mapping):
        return None
    for present, needed in dependencies.items():
        if present not in instance or not isinstance(needed, list):
            continue
        for each in needed:
            if each not in instance and error.message == f"{each!r} is a dependency of {present!r}":
                return Reworded(f"{present} needs {each}, which is missing", escape(str(present)))
    return None


def shown(value: Any) -> str:
    """A value for a message, never long: a string cut in its middle, anything else by its kind."""
    if isinstance(value, str):
        return repr(value) if len(value) <= _MAX_SHOWN else repr(value[:_MAX_SHOWN - 10] + "…" + value[-6:])
    if isinstance(value, Mapping | list):
        return "the " + ("mapping" if isinstance(value, Mapping) else "list")
    return "null" if value is None else options.shown(value)
