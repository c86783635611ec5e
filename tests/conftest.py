"""Shared helpers: the real seed as a template for bad variants, positions found by plain text search."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from validator.load import front_matter, parse_text
from validator.plain_load import PlainRecord, plain_record
from validator.positions import join
from validator.seed_yaml import anchored, loader_for
from validator.validate.schema import SchemaChecker, load_schema

ROOT = Path(__file__).resolve().parent.parent
REAL_SEED = ROOT / "seeds" / "000_d663f88f6a665438.txt"
REPORT_SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))


def real_seed_text() -> str:
    return REAL_SEED.read_text(encoding="utf-8")


def variant(*replacements: tuple[str, str]) -> str:
    """The real seed with exact text replacements (each must match once, so a fixture cannot rot silently).

    Every variant's record is also a differential case: the fast path must agree with the reference on it.
    """
    text = real_seed_text()
    for old, new in replacements:
        assert text.count(old) == 1, f"fixture text {old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    loaded = parse_text(text, "variant.txt")
    if loaded.record is not None:
        assert_fast_path_agrees(loaded.record)
    assert_plain_load_agrees(text)
    return text


def typed(value: Any) -> Any:
    """value with every scalar's type spelled out (True == 1 and 1 == 1.0 in Python; not here)."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, repr(value))


def assert_plain_load_agrees(text: str, *, plain_yaml: bool = False) -> PlainRecord | None:
    """Whenever plain loading (plain_load.py) answers for a seed file's text, the full load (seed_yaml's
    loader: composed nodes, then its constructors) builds the identical record with no finding, the text
    holds no anchor or alias, and the positions plain loading kept are the node tree's: the record's and the
    top-level values' by default, every value's (by pointer, spelt as positions.join spells it) with
    every_position, which answers exactly when plain loading does."""
    document = text if plain_yaml else front_matter(text)
    plain = None if document is None else plain_record(document)
    every = None if document is None else plain_record(document, every_position=True)
    assert (plain is None) == (every is None)
    if plain is None or every is None or document is None:
        return None
    loader = loader_for(document)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node)
        assert loader.duplicate_keys == []
    finally:
        loader.dispose()
    assert typed(plain.record) == typed(data) == typed(every.record)
    assert not any(anchored(event) for event in yaml.parse(document, Loader=type(loader)))
    tree = node_positions(node)
    assert set(tree) == {join(path) for path in value_paths(data)}
    assert every.positions == tree
    assert plain.positions == {"": tree[""], **{join([key]): tree[join([key])] for key in data}}
    full = parse_text(text, "f.txt", plain_yaml=plain_yaml, every_position=True)
    assert full.findings == [] and full.record is not None and typed(full.record) == typed(plain.record)
    assert full.source is not None
    assert all(full.source.position(pointer) == position for pointer, position in tree.items())
    assert full.source._compose is not None  # all answered without composing a node tree
    return plain


def node_positions(node: yaml.Node) -> dict[str, tuple[int, int]]:
    """Every node's 1-based (line, column) by the JSON Pointer of its value, read off the composed tree."""
    found: dict[str, tuple[int, int]] = {}
    stack: list[tuple[yaml.Node, list[str | int]]] = [(node, [])]
    while stack:
        here, path = stack.pop()
        found[join(path)] = (here.start_mark.line + 1, here.start_mark.column + 1)
        if isinstance(here, yaml.MappingNode):
            stack.extend((value, [*path, key.value]) for key, value in here.value)
        elif isinstance(here, yaml.SequenceNode):
            stack.extend((value, [*path, index]) for index, value in enumerate(here.value))
    return found


def value_paths(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The path of every value of a loaded record, the record's own (()) first."""
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for token, item in items:
        yield from value_paths(item, (*path, token))


_BUILTIN: list[SchemaChecker] = []


def assert_fast_path_agrees(record: Any, checker: SchemaChecker | None = None) -> bool:
    """jsonschema-rs (the fast path) and python-jsonschema (the reference) agree on record's validity,
    up to `stricter_on_purpose`; returns the reference's verdict."""
    if checker is None:
        if not _BUILTIN:
            _BUILTIN.append(SchemaChecker(load_schema()[0]))
        checker = _BUILTIN[0]
    fast = checker.fast.passes(record)
    reference = not checker.reference_findings(record, "r.txt", None)
    if fast:
        assert reference, f"jsonschema-rs passed a record python-jsonschema rejects: {record!r:.300}"
    elif reference:
        assert stricter_on_purpose(record), f"jsonschema-rs rejected a record python-jsonschema passes: {record!r:.300}"
    return reference


def stricter_on_purpose(value: Any) -> bool:
    """The record holds a value the fast path rejects although the reference accepts it, by design
    (validator/validate/fast.py): a final newline (Python's `$` lets it through), NaN or infinity."""
    if isinstance(value, dict):
        return any(stricter_on_purpose(v) for v in value.values())
    if isinstance(value, list):
        return any(stricter_on_purpose(v) for v in value)
    if isinstance(value, float):
        return not math.isfinite(value)
    return isinstance(value, str) and value.endswith("\n")


def position_of(text: str, needle: str, *, offset: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the first occurrence of needle (plus offset characters) in text."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def assert_valid_report(report: dict[str, Any]) -> None:
    validator = Draft202012Validator(REPORT_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "seeds"
    directory.mkdir()
    return directory
