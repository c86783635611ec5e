"""JSON Schema validation of a record → positioned findings (rule ids `schema/<keyword>`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, SchemaLoadError
from ..jsonfile import read_json_object, schema_file
from ..models import Finding, Severity
from ..patterns import PatternError, UrlPattern, compile_url_pattern
from ..positions import SourceMap, escape, join, locate, split
from ..text import bounded, dict_repr, int_repr, list_repr, str_repr
from .fast import FastSchema
from .messages import reworded

if TYPE_CHECKING:
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

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
    return schema_file("seed.schema.json")


def load_schema(path: Path | None = None) -> tuple[dict[str, Any], Path]:
    """Read and check a schema file; a broken schema stops the run (SchemaLoadError).

    The built-in schema is checked by the suite (tests/unit/test_schema.py), not on every start:
    that check alone would import python-jsonschema, which a run of valid records never needs.
    """
    schema = read_json_object(path or default_schema_path(), "schema", SchemaLoadError)
    if path is None:
        return schema, default_schema_path()
    check_schema(schema, path)
    return schema, path


def check_schema(schema: Mapping[str, Any], path: Path) -> None:
    from jsonschema import Draft202012Validator  # noqa: PLC0415  (see SchemaChecker)
    from jsonschema.exceptions import SchemaError  # noqa: PLC0415
    from jsonschema.validators import validator_for  # noqa: PLC0415

    try:
        validator_for(schema, default=Draft202012Validator).check_schema(dict(schema))
    except SchemaError as exc:
        raise SchemaLoadError(f"schema {path} is not a valid JSON Schema: {exc.message}") from exc


class SchemaChecker:
    """Schema findings of a record: jsonschema-rs passes the valid ones, python-jsonschema (the
    reference) reports on the rest. Both are compiled once and reused for every record; the reference
    is compiled (and imported) only when the first record needs it."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        _check_patterns(schema)  # every pattern runs in RE2 (linear time), in both validators
        self._schema = schema
        self.fast = FastSchema(schema)
        self._reference: Validator | None = None

    @property
    def reference(self) -> Validator:
        if self._reference is None:
            from jsonschema import Draft202012Validator  # noqa: PLC0415  (~0.1 s to import; rarely needed)
            from jsonschema.validators import extend, validator_for  # noqa: PLC0415

            base = validator_for(self._schema, default=Draft202012Validator)
            # `pattern` matched with RE2 (linear time): a schema can come from a pull request's config.
            cls = extend(base, {"pattern": _linear_pattern})  # type: ignore[no-untyped-call]
            quoting = {keyword: _quoting_boundedly(check) for keyword, check in cls.VALIDATORS.items()
                       if keyword in _QUOTING_KEYWORDS}
            bounded_cls = extend(cls, quoting)  # type: ignore[no-untyped-call]  # jsonschema leaves it untyped
            self._reference = bounded_cls(inline_local_refs(self._schema), format_checker=base.FORMAT_CHECKER)
        return self._reference

    def findings(self, record: Any, file: str, source: SourceMap | None) -> list[Finding]:
        if self.fast.passes(record):
            return []
        return self.reference_findings(record, file, source)

    def reference_findings(self, record: Any, file: str, source: SourceMap | None) -> list[Finding]:
        """python-jsonschema's findings, whatever the fast path would say."""
        findings = []
        for error in self.reference.iter_errors(record):
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


Keyword = Callable[[Any, Any, Any, Mapping[str, Any]], "Iterator[ValidationError] | None"]


def _linear_pattern(validator: Any, pattern: Any, instance: Any, schema: Mapping[str, Any]
                    ) -> Iterator[ValidationError]:
    """The `pattern` keyword as jsonschema words it, matched by RE2: no pattern can make a value take
    exponential time (Python's re backtracks: `^(a+)+$` against 40 a's and a '!' runs for minutes)."""
    if isinstance(instance, str) and isinstance(pattern, str) and not _schema_pattern(pattern).search(instance):
        from jsonschema import ValidationError  # noqa: PLC0415  (only the reference validator calls this)

        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _schema_pattern(pattern: str) -> UrlPattern:
    return compile_url_pattern(pattern)


def _check_patterns(schema: Any) -> None:
    """Every `pattern` of the schema compiles with RE2, else a ConfigError before any file is read (a walk
    without recursion: the schema is JSON someone else may have written)."""
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, Mapping):
            pattern = node.get("pattern")
            if isinstance(pattern, str):
                try:
                    _schema_pattern(pattern)
                except PatternError as exc:
                    raise ConfigError(f"the schema's pattern cannot be used: {exc}") from None
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)


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
        import difflib  # noqa: PLC0415  (only for a record with an unknown key)

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
