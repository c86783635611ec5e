"""Plain construction (records from parser events) gives exactly the full load's record, or gives up."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus import defect_of, record_text
from tests.conftest import position_of, real_seed_text
from validator.construct import plain_record
from validator.load import _SeedLoader, front_matter, parse_text


def plain(document: str) -> dict[str, Any] | None:
    loader = _SeedLoader(document)
    try:
        return plain_record(loader)
    finally:
        loader.dispose()


def full(document: str) -> tuple[Any, list[tuple[yaml.MappingNode, str]]]:
    """What the full load builds: composed nodes, then the loader's constructors (and its duplicate keys)."""
    loader = _SeedLoader(document)
    try:
        return loader.construct_document(loader.get_single_node()), loader.duplicate_keys
    finally:
        loader.dispose()


def typed(value: Any) -> Any:
    """value with every scalar's type spelled out (True == 1 and 1 == 1.0 in Python; not here)."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, repr(value))


def assert_same_as_full_load(document: str) -> dict[str, Any] | None:
    record = plain(document)
    if record is not None:
        data, duplicates = full(document)
        assert typed(record) == typed(data)
        assert duplicates == []
        assert not any(isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None)
                       for e in yaml.parse(document, Loader=_SeedLoader))
    return record


def test_the_real_seed_is_built_without_a_node_tree_and_equals_the_full_load() -> None:
    document = front_matter(real_seed_text())
    assert document is not None
    assert assert_same_as_full_load(document) is not None


def test_generated_records_equal_the_full_load_and_text_defects_are_left_to_it() -> None:
    for index in range(240):
        document = front_matter(record_text(index))
        assert document is not None
        record = assert_same_as_full_load(document)
        assert (record is None) == (defect_of(index) in ("duplicate-key", "yaml-syntax")), index


def test_what_plain_construction_leaves_to_the_full_load() -> None:
    for document in ["---\na: &x 1\nb: *x\n", "---\na: 1\na: 2\n", "---\n1: a\n", "---\n? [a]\n: b\n",
                     "---\na: !!str 12\n", "---\na: !!binary aGk=\n", "---\nbase: &b {x: 1}\nm:\n  <<: *b\n",
                     "---\n<<: {x: 1}\n", "---\n- a\n", "---\n", "---\nplain text\n", "---\na: [1\n",
                     "---\na: !custom x\n", "---\n= : x\n", "a: 1\n---\nb: 2\n", "---\na: !!set {x, y}\n"]:
        assert plain(document) is None, document


def test_positions_come_from_a_tree_composed_only_when_asked_for() -> None:
    text = real_seed_text()
    loaded = parse_text(text, "s.txt")
    assert loaded.source is not None and loaded.source._compose is not None  # nothing composed yet
    assert loaded.source.position("/quality") == position_of(text, "quality: 37", offset=9)
    assert loaded.source._compose is None


# Scalars the full load reads (as numbers, booleans, nulls, dates or text), and ones it rejects or that
# make plain construction give up (anchors, aliases, tags, merge keys, syntax errors).
_SCALARS = ["37", "-1", "0", "0o17", "017", "0x1F", "1_000", "1:20", "1.5", "1e3", "1.0e+3", ".5", ".nan", ".inf",
            "-.Inf", "yes", "No", "on", "OFF", "y", "true", "False", "TRUE", "~", "null", "Null", "", "2021-04-09",
            "2021-04-09T11:00:00Z", "2021-04-09 11:00:00.5 +02:00", "2021-4-9", "[1, 2]", "{a: 1}", "[a, {b: c}]",
            "'single'", '"double \\u00e9 \\t"', "|\n  block\n", ">-\n  folded\n  text\n", "a # comment",
            "'it''s'", "caf\u00e9", "\U0001F600", "12:30:45", "+1", "-0.0", "0b101", "1__0", "0.", "-", "a-b",
            "https://x.example/a?b=c#d", "AT&T", "y z"]
_HOSTILE = ["<<", "=", "!!str 12", "!!int '3'", "&a x", "*a", "!custom x", "!!omap [a: 1]", "!!set {a, b}",
            "!!float 1", "@x", "`x`", "%x", "a: b", "- a", '"unterminated', "?", "!", "&", "*", "[a, b", "-", "*bold*"]
_KEYS = ["title", "a", "quality", "yes", "1", "~", "x y", '"quoted"', "'q'", "b", "publishedDateTime", "null",
         "2021-04-09", "on", "c", "d", "e"]


@st.composite
def yaml_values(draw: st.DrawFn, depth: int = 0) -> str:
    """A YAML value as text, starting on the line of its key (nested blocks start with a newline)."""
    kind = draw(st.sampled_from(["scalar", "scalar", "text", "map", "list"] if depth < 3 else ["scalar", "text"]))
    indent = "  " * (depth + 1)
    if kind == "scalar":
        scalar = draw(st.sampled_from(_HOSTILE) if draw(st.integers(0, 9)) == 0 else st.sampled_from(_SCALARS))
        return " " + scalar.replace("\n", "\n" + indent)
    if kind == "text":
        text = draw(st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=12))
        if draw(st.booleans()):
            return " " + json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
        text = "".join(c for c in text if c.isprintable())
        return " " + "".join(" " if c in "\n\r\x85\u2028\u2029" else c for c in text)
    if kind == "map":
        keys = draw(st.lists(st.sampled_from(_KEYS), min_size=1, max_size=4, unique=draw(st.integers(0, 5)) > 0))
        return "".join(f"\n{indent}{key}:{draw(yaml_values(depth + 1))}" for key in keys)
    items = draw(st.lists(yaml_values(depth + 1), min_size=0, max_size=3))
    return "".join(f"\n{indent}-{item}" for item in items) or " []"


@settings(max_examples=250, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_KEYS), yaml_values()), min_size=1, max_size=6,
                unique_by=lambda entry: entry[0]))
def test_plain_construction_equals_the_full_load_whenever_it_answers(entries: list[tuple[str, str]]) -> None:
    document = "---\n" + "".join(f"{key}:{value}\n" for key, value in entries)
    try:
        full(document)
    except yaml.YAMLError:
        assert plain(document) is None
        return
    assert_same_as_full_load(document)
