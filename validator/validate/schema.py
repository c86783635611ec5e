"""JSON Schema validation of a record → positioned findings (rule ids `schema/<keyword>`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for

from ..errors import SchemaLoadError
from ..jsonfile import read_json_object
from ..models import Finding, Severity
from ..positions import SourceMap, escape, join, locate, split
from .messages import reworded

_MAX_VALUE_REPR = 80


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
        self._validator = cls(inline_local_refs(schema), format_checker=cls.FORMAT_CHECKER)

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


def _describe(error: ValidationError) -> Iterator[tuple[str, str, str, bool]]:
    """(pointer, message, where to position it, whether that is a key) for one jsonschema error."""
    pointer = join(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping) and isinstance(
            error.schema, Mapping):
        for key in _unexpected_keys(error.instance, error.schema):
            known = list(error.schema.get("properties", {}))
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; allowed here: {', '.join(sorted(known))}"
            yield f"{pointer}/{escape(key)}", f"unknown field '{key}'{hint}", f"{pointer}/{escape(key)}", True
        return
    better = reworded(error)
    if better is None:
        yield pointer, _shorten(error), pointer, False
    elif better.at_key is not None:
        yield pointer, better.message, f"{pointer}/{better.at_key}", True
    else:
        yield pointer, better.message, pointer, False


def _unexpected_keys(instance: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    properties = schema.get("properties", {})
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return [k for k in instance if k not in properties and not any(p.search(k) for p in patterns)]


def _shorten(error: ValidationError) -> str:
    """jsonschema quotes the whole failing value; a 1 KB signature makes an unreadable line."""
    value, message = repr(error.instance), str(error.message)
    if len(value) <= _MAX_VALUE_REPR or value not in message:
        return message
    return message.replace(value, value[: _MAX_VALUE_REPR - 5] + "…" + value[-4:])
