"""JSON Schema validation of a record → positioned findings (rule ids `schema/<keyword>`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import SchemaError
from jsonschema.validators import extend, validator_for

from ..errors import SchemaLoadError
from ..jsonfile import read_json_object
from ..models import Finding, Severity
from ..positions import SourceMap, escape, join, locate, split
from ..text import bounded, dict_repr, int_repr, list_repr, str_repr
from .messages import reworded

_MAX_SUGGESTED_KEY = 100
# The keywords whose jsonschema messages quote the failing value (f"{instance!r} …"): they see a big value
# (a container, a long string, a huge number) through a stand-in whose repr is bounded, so no message
# ever builds the full repr of a megabyte value (or recurses through 1,000 nested lists).
_QUOTING_KEYWORDS = frozenset({
    "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minItems", "maxItems", "uniqueItems", "contains", "minLength", "maxLength", "pattern", "format",
    "minProperties", "maxProperties", "anyOf", "oneOf", "not", "dependencies", "dependentRequired"})
_SMALL_STRING = 80
_SMALL_INT = 10**40


def default_schema_path() -> Path:
    return Path(str(resources.files("validator.schemas") / "seed.schema.json"))


def load_schema(path: Path | None = None) -> tuple[dict[str, Any], Path]:
    """Read and check a schema file; a broken schema stops the run (SchemaLoadError)."""
    path = path or default_schema_path()
    schema = read_json_object(path, "schema", SchemaLoadError)
    try:
        validator_for(schema, default=Draft202012Validator).check_schema(schema)
    except SchemaError as exc:
        raise SchemaLoadError(f"schema {path} is not a valid JSON Schema: {exc.message}") from exc
    return schema, path


class SchemaChecker:
    """One compiled validator, reused for every record (compiling per record would dominate the run)."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        cls = validator_for(schema, default=Draft202012Validator)
        quoting = {keyword: _quoting_boundedly(check) for keyword, check in cls.VALIDATORS.items()
                   if keyword in _QUOTING_KEYWORDS}
        bounded_cls = extend(cls, quoting)  # type: ignore[no-untyped-call]  # jsonschema leaves it untyped
        self._validator = bounded_cls(inline_local_refs(schema), format_checker=cls.FORMAT_CHECKER)

    def findings(self, record: Any, file: str, source: SourceMap | None) -> list[Finding]:
        findings = []
        for error in self._validator.iter_errors(record):
            for pointer, message, at, on_key in _describe(error):
                line, column = locate(source, at, key=on_key)
                findings.append(Finding(file, line, column, pointer, f"schema/{error.validator}",
                                        Severity.ERROR, message))
        return findings


_ANNOTATIONS = frozenset({"description", "title", "$comment", "examples", "default", "deprecated", "readOnly",
                          "writeOnly"})
_DYNAMIC = frozenset({"$dynamicRef", "$recursiveRef", "$anchor", "$dynamicAnchor", "$id"})


def inline_local_refs(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """The schema with every local '$ref' ('#/...') replaced by what it points to.

    Resolving a $ref is about a third of jsonschema's time on seed records; an acyclic schema means
    the same inlined. Schemas with cycles, remote or dynamic references are returned unchanged.
    """
    def resolve(pointer: str) -> Any:
        node: Any = schema
        for token in split(pointer[1:]):
            node = node[int(token)] if isinstance(node, list) else node[token]
        return node

    def inline(node: Any, active: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [inline(item, active) for item in node]
        if not isinstance(node, dict):
            return node
        if _DYNAMIC & node.keys() and node is not schema:
            raise _NotInlinable
        ref = node.get("$ref")
        rest = {key: inline(value, active) for key, value in node.items() if key != "$ref"}
        if ref is None:
            return rest
        if not isinstance(ref, str) or not ref.startswith("#/") or ref in active:
            raise _NotInlinable
        try:
            target = inline(resolve(ref), (*active, ref))
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise _NotInlinable from exc
        if not isinstance(target, dict):
            raise _NotInlinable
        if rest.keys() <= _ANNOTATIONS:
            return {**target, **rest}
        return {**rest, "allOf": [*rest.get("allOf", []), target]}

    try:
        inlined = inline(schema, ())
    except _NotInlinable:
        return schema
    return dict(inlined)


class _NotInlinable(Exception):
    pass


Keyword = Callable[[Any, Any, Any, Mapping[str, Any]], Iterator[ValidationError] | None]


def _quoting_boundedly(check: Keyword) -> Keyword:
    def bounded_check(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]
                      ) -> Iterator[ValidationError] | None:
        return check(validator, value, _stand_in(instance), schema)
    return bounded_check


class _BoundedList(list[Any]):
    __slots__ = ()

    def __repr__(self) -> str:
        return list_repr(self)


class _BoundedDict(dict[Any, Any]):
    __slots__ = ()

    def __repr__(self) -> str:
        return dict_repr(self)


class _BoundedStr(str):
    __slots__ = ()

    def __repr__(self) -> str:
        return str_repr(self)


class _BoundedInt(int):
    __slots__ = ()

    def __repr__(self) -> str:
        return int_repr(self)


def _stand_in(instance: Any) -> Any:
    """instance itself when its repr is short; else an equal value (shallow copy) whose repr is bounded."""
    kind = type(instance)
    if kind is str:
        return instance if len(instance) <= _SMALL_STRING else _BoundedStr(instance)
    if kind is dict:
        return _BoundedDict(instance)
    if kind is list:
        return _BoundedList(instance)
    if kind is int:
        return instance if -_SMALL_INT < instance < _SMALL_INT else _BoundedInt(instance)
    return instance


def _describe(error: ValidationError) -> Iterator[tuple[str, str, str, bool]]:
    """(pointer, message, where to position it, whether that is a key) for one jsonschema error."""
    pointer = join(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping) and isinstance(
            error.schema, Mapping):
        for key in _unexpected_keys(error.instance, error.schema):
            known = list(error.schema.get("properties", {}))
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6) if len(key) <= _MAX_SUGGESTED_KEY else []
            hint = f"; did you mean '{close[0]}'?" if close else f"; allowed here: {', '.join(sorted(known))}"
            yield f"{pointer}/{escape(key)}", f"unknown field '{bounded(key)}'{hint}", f"{pointer}/{escape(key)}", True
        return
    better = reworded(error)
    if better is None:
        yield pointer, str(error.message), pointer, False  # values quoted through bounded reprs
    elif better.at_key is not None:
        yield pointer, better.message, f"{pointer}/{better.at_key}", True
    else:
        yield pointer, better.message, pointer, False


def _unexpected_keys(instance: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    properties = schema.get("properties", {})
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return [k for k in instance if k not in properties and not any(p.search(k) for p in patterns)]
