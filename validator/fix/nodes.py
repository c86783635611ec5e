"""Pure: where a value stands in the text, from the composed YAML node tree, and the minimal edit that
changes or removes it (libyaml's marks count characters, as Python indexes the text it was given)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from ..positions import split
from . import scalars
from .edits import Edit

# A block sequence item holding nothing but null: '-', '- ~', '- null' (what seed/null-topic reports).
_NULL_ITEM_LINE = re.compile(r"[ \t]*-[ \t]*(?:(?:~|null|Null|NULL)[ \t]*)?\r?\n?")
_NULL_TEXT = re.compile(r"(?:~|null|Null|NULL)?")
_FLOW_GAP = re.compile(r"[ \t\r\n,]*")
_KEY_TO_ITEMS = re.compile(r"[ \t]*:(?=[ \t]*(?:#[^\n]*)?\r?\n)")


class Unfixable(Exception):
    """A fix that cannot be written as a safe minimal edit here; the message says why (it becomes a note)."""


@dataclass(frozen=True, slots=True)
class Located:
    node: yaml.Node
    parent: yaml.Node | None
    key: yaml.Node | None  # the key node when parent is a mapping
    flow: bool              # inside a flow collection


def locate(root: yaml.Node, pointer: str) -> Located | None:
    """The node at pointer (the last of duplicate keys, as loading keeps it), with its context."""
    node: yaml.Node = root
    parent: yaml.Node | None = None
    key: yaml.Node | None = None
    flow = False
    for token in split(pointer):
        flow = flow or bool(getattr(node, "flow_style", False))
        if isinstance(node, yaml.MappingNode):
            entries = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == token]
            if not entries:
                return None
            parent, (key, node) = node, entries[-1]
        elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
            parent, key, node = node, None, node.value[int(token)]
        else:
            return None
    return Located(node, parent, key, flow)


def replace_scalar(text: str, located: Located, value: str) -> Edit:
    """The edit that makes the scalar at located hold value, in its own quoting style when safe."""
    node = located.node
    if not isinstance(node, yaml.ScalarNode):
        raise Unfixable("the value is not a single scalar")
    start, end = node.start_mark.index, node.end_mark.index
    span = text[start:end]
    style = node.style or ""
    if style in (scalars.SINGLE, scalars.DOUBLE):
        if len(span) < 2 or span[0] != style or span[-1] != style:
            raise Unfixable("the scalar's text is not where the parser placed it (a tag or an odd encoding?)")
        return Edit(start, end, scalars.render(value, style, flow=located.flow))
    if style in ("|", ">"):
        header = span.split("\n", 1)[0]
        if "#" in header:
            raise Unfixable("the block scalar's header carries a comment")
        content = span.rstrip(" \t\r\n")
        return Edit(start, end, scalars.double_quoted(value) + span[len(content):])
    if not span or span != span.strip() or ("\n" not in span and span != node.value):
        raise Unfixable("the scalar's text is not where the parser placed it (a tag or an odd encoding?)")
    return Edit(start, end, scalars.render(value, scalars.PLAIN, flow=located.flow))


def remove_items(text: str, sequence: Located, indexes: Sequence[int]) -> list[tuple[int, tuple[Edit, ...]]]:
    """The edits removing the null items at indexes, by index; when every item goes, one entry (at the
    first index) whose edits empty the whole list."""
    node = sequence.node
    if not isinstance(node, yaml.SequenceNode):
        raise Unfixable("not a sequence")
    chosen = sorted(set(indexes))
    if node.flow_style:
        return [(i, (_remove_flow_item(text, node, i, set(chosen)),)) for i in chosen]
    if len(chosen) == len(node.value):
        return [(chosen[0], _empty_block_sequence(text, sequence))]
    return [(i, (_remove_block_line(text, node.value[i]),)) for i in chosen]


def _item_line(text: str, item: yaml.Node) -> tuple[int, int]:
    start = text.rfind("\n", 0, item.start_mark.index) + 1
    end = text.find("\n", item.start_mark.index)
    end = len(text) if end < 0 else end + 1
    if _NULL_ITEM_LINE.fullmatch(text, start, end) is None:
        raise Unfixable("the item's line holds more than '- ' (a comment, or the item on its own line)")
    return start, end


def _remove_block_line(text: str, item: yaml.Node) -> Edit:
    start, end = _item_line(text, item)
    return Edit(start, end, "")


def _empty_block_sequence(text: str, sequence: Located) -> tuple[Edit, ...]:
    """Every item is null: 'key:' gets ' []' and the item lines go (a bare 'key:' would be null, not a list);
    a comment after the key stays."""
    node, key = sequence.node, sequence.key
    assert isinstance(node, yaml.SequenceNode)
    if key is None:
        raise Unfixable("removing every item would leave no list")
    first_start, _ = _item_line(text, node.value[0])
    end = first_start
    for item in node.value:
        line_start, line_end = _item_line(text, item)
        if line_start != end:
            raise Unfixable("the items are not on consecutive lines")
        end = line_end
    colon = _KEY_TO_ITEMS.match(text, key.end_mark.index, first_start)
    if colon is None:
        raise Unfixable("the key's line holds more than a comment after it")
    return Edit(colon.end(), colon.end(), " []"), Edit(first_start, end, "")


def _remove_flow_item(text: str, node: yaml.SequenceNode, index: int, removed: set[int]) -> Edit:
    items = node.value
    item = items[index]
    if _NULL_TEXT.fullmatch(text, item.start_mark.index, item.end_mark.index) is None:
        raise Unfixable("the item is written as more than null")
    if any(i not in removed for i in range(index)):  # a kept item before: take the separator before
        start, end = items[index - 1].end_mark.index, item.end_mark.index
        gap = (start, item.start_mark.index)
    elif index < len(items) - 1:  # a leading item: take the separator after it
        start, end = item.start_mark.index, items[index + 1].start_mark.index
        gap = (item.end_mark.index, end)
    else:  # the last of items that all go
        start, end = item.start_mark.index, item.end_mark.index
        gap = (start, start)
    if _FLOW_GAP.fullmatch(text, *gap) is None:
        raise Unfixable("a comment stands between the items")
    return Edit(start, end, "")
