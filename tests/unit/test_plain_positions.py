"""Plain loading with every_position (link checks, fixes): every value's position, by its JSON Pointer, is the
node tree's, so no tree is composed for them; what it does not know (a key's position, an absent pointer's
nearest ancestor, pointers_of) is answered from a tree composed on demand, exactly as before."""

from __future__ import annotations

import tracemalloc

import pytest
import yaml

from tests.conftest import assert_plain_load_agrees, node_positions, position_of, real_seed_text
from validator import seed_yaml
from validator.load import front_matter, parse_text
from validator.plain_load import POINTER_CHARS_PER_VALUE, plain_record
from validator.positions import SourceMap, join
from validator.seed_yaml import loader_for

_LONG = "x" * 100_000
# What moves a mark: block and folded scalars, quoted scalars over several lines, plain ones continued, flow
# collections over lines, empty values (block, flow, explicit '?'), comments, tabs, non-ASCII (astral too:
# columns count code points), keys a pointer escapes, a very long line.
EDGES = (
    "---\n"
    "# a comment before the record\n"
    "empty:\n"
    "after_empty: 1 # a comment\n"
    "  # an indented comment\n"
    "list:\n"
    "  -\n"
    "  - - nested\n"
    "    -\n"
    "  - {}\n"
    "block: |\n"
    "  line one\n"
    "\n"
    "  line three\n"
    "folded: >-\n"
    "  folded\n"
    "  text\n"
    "kept: |+\n"
    "  kept\n"
    "\n"
    "double: \"two\n"
    "  lines \\\n"
    "  escaped\"\n"
    "single: 'it''s\n"
    "\n"
    "  on'\n"
    "plain: one\n"
    "  continued\n"
    "flow: {a: , ? b, c: [x,\n"
    "    y, {d: e}], 'f': \"g\"}\n"
    "tabs:\t1\t# tab\n"
    "é😀: {é: 1, 😀: 2, z: 3}\n"
    "a/b~c: {'~': 1, /: 2, ~1: 3}\n"
    f"long: [\"{_LONG}\", after]\n"
    "last:"
)


def _positions(text: str, *, plain_yaml: bool = False) -> dict[str, tuple[int, int]]:
    document = text if plain_yaml else front_matter(text)
    assert document is not None
    found = plain_record(document, every_position=True)
    assert found is not None
    return found.positions


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_every_value_of_an_awkward_record_is_where_the_node_tree_puts_it(newline: str) -> None:
    text = EDGES.replace("\n", newline) + newline + "---" + newline
    assert assert_plain_load_agrees(text) is not None  # every pointer, against the composed tree
    positions = _positions(text)
    assert positions["/empty"] == position_of(EDGES, "empty:\n", offset=6)  # where the line ends, after the ':'
    assert positions["/last"] == position_of(EDGES, "last:", offset=5)
    assert positions["/list/0"] == position_of(EDGES, "  -\n", offset=3)
    assert positions["/flow/a"] == position_of(EDGES, "a: ,", offset=3)  # at the ',' that ends it
    assert positions["/flow/c/2/d"] == position_of(EDGES, "e}")
    assert positions["/é😀/z"] == position_of(EDGES, "z: 3", offset=3)  # code points, not UTF-8 bytes
    assert positions["/a~1b~0c/~0"] == position_of(EDGES, "'~': 1", offset=5)
    assert positions["/a~1b~0c/~01"] == position_of(EDGES, "~1: 3", offset=4)
    assert positions["/long/1"] == position_of(EDGES, "\", after]", offset=3)
    assert positions["/long/1"][1] > len(_LONG)


def test_a_plain_yaml_file_with_a_byte_order_mark_agrees_too() -> None:
    body = EDGES.removeprefix("---\n")
    for text in (body, "\ufeff" + body, "\ufeff" + body.replace("\n", "\r\n")):
        assert assert_plain_load_agrees(text, plain_yaml=True) is not None


def test_what_the_positions_do_not_answer_comes_from_a_tree_composed_when_asked() -> None:
    text = real_seed_text()
    document = front_matter(text)
    assert document is not None
    tree = SourceMap(loader_for(document).get_single_node())
    loaded = parse_text(text, "s.txt", every_position=True)
    source = loaded.source
    assert source is not None and source._compose is not None
    assert source.position("/related/0/webUrl") == tree.position("/related/0/webUrl")
    assert source.position("/related/0/absent/deeper") == tree.position("/related/0") != tree.position("")
    assert source._compose is None  # the absent pointer's ancestor came from the composed tree
    for pointer in ("/webUrl", "/related/1/images/0/url", "/related"):
        assert source.position(pointer, key=True) == tree.position(pointer, key=True)
    assert source.position("/webUrl", key=True) == position_of(text, "webUrl:")
    assert source.position("/related/01") == tree.position("/related/1")  # another spelling of an index
    root = source.root
    assert root is not None and tree.root is not None
    nodes = [value for _, value in root.value]
    assert set(source.pointers_of(nodes).values()) == {join([key.value]) for key, _ in root.value}


def test_a_record_of_long_keys_nested_deep_keeps_no_pointers_past_the_budget() -> None:
    """Pointers repeat their ancestors' keys: 60 keys of 1,000 characters over 1,000 items would be 60 MB of
    pointers. Past POINTER_CHARS_PER_VALUE characters per value of the cap the full load decides (its node
    tree does not grow with the keys' length), and every position is still the tree's."""
    levels, items = 60, 1000
    keys = [f"{'k' * 999}{depth % 10}" for depth in range(levels)]  # an implicit key has at most 1,024
    lines = [f"{'  ' * depth}{key}:" for depth, key in enumerate(keys)]
    lines += [f"{'  ' * levels}- {n}" for n in range(items)]
    text = "---\n" + "\n".join(lines) + "\n---\n"
    assert levels * 1000 * items > 10 * POINTER_CHARS_PER_VALUE * seed_yaml.MAX_VALUES
    document = front_matter(text)
    assert document is not None
    assert plain_record(document) is not None  # top-level positions only: nothing to give up
    tracemalloc.start()
    try:
        assert plain_record(document, every_position=True) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * POINTER_CHARS_PER_VALUE * seed_yaml.MAX_VALUES  # the budget's characters, and some
    loaded = parse_text(text, "deep.txt", every_position=True)
    assert loaded.findings == [] and loaded.source is not None and loaded.source._compose is None  # full load
    assert loaded.source.position(join([*keys, items - 1])) == (1 + levels + items, 2 * levels + 3)


def test_a_record_at_the_value_cap_has_every_position() -> None:
    cap = seed_yaml.MAX_VALUES
    text = "---\nq: [" + ",".join(["1"] * (cap - 3)) + "]\n---\n"
    positions = _positions(text)
    assert len(positions) == cap - 1  # every value but the key: the record, its list and every item
    assert positions[f"/q/{cap - 4}"] == (2, 5 + 2 * (cap - 4))
    document = front_matter(text)
    assert document is not None
    root = yaml.compose(document, Loader=seed_yaml.BaseLoader)
    assert root is not None and positions == node_positions(root)
