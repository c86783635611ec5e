"""Plain loading: a record built straight from the parser's events, without a node tree.

Composing nodes (each with its marks) and constructing from them is most of the cost of loading a
seed; most records have no finding, so their positions are never needed. This builds the same values
from the events, through seed_yaml's own resolver and scalar constructors (so a number, a '.nan' or a
timestamp reads exactly as the full load reads it) and under its value cap, and gives up — returns
None — on anything the full load must judge or report: anchors and aliases, explicit tags, duplicate or
non-text keys, merge keys, syntax errors, a document that is not one mapping, more than MAX_VALUES
values, nesting deeper than a seed's. The full load (load.py) then runs as if this had not been tried.
tests/unit/test_plain_load.py checks that whenever this answers, the full load gives the same record, and
tests/unit/test_plain_positions.py (with it) that every position kept is the composed node's.

Positions are the events' start marks, which are the marks the composer gives the nodes it builds from them:
each top-level value's always, and with every_position (link checking, fixing: nearly every value's
position is asked for) every value's, by its JSON Pointer, so that a SourceMap composes a node tree only for
what they do not answer (a key's position, an absent pointer's nearest ancestor).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from . import seed_yaml
from .positions import escape
from .seed_yaml import SeedLoader, anchored

# A seed nests five deep; deeper documents go to the full load (which owns the recursion question).
MAX_DEPTH = 64
# Characters of JSON Pointers kept, per value of the cap: a seed's average ~20. Past it (long keys nested
# deep above a long list) the full load decides: its node tree does not grow with the keys' length.
POINTER_CHARS_PER_VALUE = 32
_STR_TAG = "tag:yaml.org,2002:str"
# Text is its own value only while the loader's str constructor is PyYAML's (checked, not assumed).
_TEXT_IS_ITSELF = SeedLoader.yaml_constructors.get(_STR_TAG) is yaml.constructor.SafeConstructor.construct_yaml_str
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})
_CACHED_SCALAR = 64  # longer scalars (titles, URLs) rarely repeat: not worth keeping
_CACHE_LIMIT = 4096
_MISSING = object()
# (scalar text, implicit flags) → its value, for short untagged scalars (keys, numbers, booleans, enum
# values repeat in every record). Sound because SeedLoader's scalar constructors depend on the text alone
# and their values are immutable.
_values: dict[tuple[str, tuple[bool, bool]], Any] = {}


class _GiveUp(Exception):
    """The full load must read this document."""


@dataclass(frozen=True, slots=True)
class PlainRecord:
    record: dict[str, Any]
    # 1-based (line, column) by JSON Pointer (spelt as positions.join spells it): the marks the full load's
    # nodes would carry. The record's own ("") and each top-level value's (the duplicate-article rule asks
    # every record where its webUrl and originalUrl are); with every_position, every value's.
    positions: dict[str, tuple[int, int]]


def plain_record(document: str, *, every_position: bool = False) -> PlainRecord | None:
    """The document's record built from its events, or None when the full load must decide."""
    loader = SeedLoader(document)
    try:
        return _build(loader, every_position)
    except Exception:  # _GiveUp, a syntax error, a constructor's complaint: the full load reports it
        return None
    finally:
        loader.dispose()


def _build(loader: SeedLoader, every_position: bool) -> PlainRecord:
    get_event: Callable[[], Any] = loader.get_event
    _expect(get_event(), StreamStartEvent)
    start = _expect(get_event(), DocumentStartEvent)
    if start.version is not None or start.tags:
        raise _GiveUp  # directives: the full load reads them
    opening = _expect(get_event(), MappingStartEvent)
    _opening(opening, 0)
    record = _mapping(loader, get_event, every_position, (opening.start_mark.line + 1, opening.start_mark.column + 1))
    _expect(get_event(), DocumentEndEvent)
    _expect(get_event(), StreamEndEvent)
    return record


def _mapping(loader: SeedLoader, get_event: Callable[[], Any], every_position: bool, at: tuple[int, int]
             ) -> PlainRecord:
    """The root mapping (which starts at `at`): its entries, from the event after its start to its end."""
    limit = seed_yaml.MAX_VALUES
    budget = POINTER_CHARS_PER_VALUE * limit
    cache = _values
    root: dict[str, Any] = {}
    positions = {"": at}
    stack: list[tuple[Any, str | None, str]] = []
    container: Any = root
    key: str | None = None
    # The container's pointer and the event's value's: kept up to date at every depth with every_position,
    # else only on the top level (inside a top-level value they go stale; the stack restores them on leaving).
    pointer = here = ""
    values = 1  # the root mapping
    while True:
        event = get_event()
        kind = type(event)
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            if not stack:
                return PlainRecord(root, positions)
            value = container
            container, key, pointer = stack.pop()
        else:
            values += 1
            if values > limit:
                raise _GiveUp
            if every_position or container is root:
                here = _child(pointer, container, key)
                if here:  # a value, not a key
                    positions[here] = (event.start_mark.line + 1, event.start_mark.column + 1)
                    budget -= len(here)
                    if budget < 0:
                        raise _GiveUp
            if kind is not ScalarEvent:
                _opening(event, len(stack), key is None and type(container) is dict)
                stack.append((container, key, pointer))
                container, key, pointer = ({} if kind is MappingStartEvent else []), None, here
                continue
            if event.anchor is not None or event.tag is not None:  # anchored() for a scalar
                raise _GiveUp
            value = cache.get((event.value, event.implicit), _MISSING)
            if value is _MISSING:
                value = _scalar(loader, event)
        if type(container) is list:
            container.append(value)
        elif key is None:
            key = _key(value, container)
        else:
            container[key] = value
            key = None


def _child(pointer: str, container: Any, key: str | None) -> str:
    """The pointer of the value the next event starts in container (pointer's), or '' when it starts a key."""
    if type(container) is list:
        return f"{pointer}/{len(container)}"
    if key is None:
        return ""
    return f"{pointer}/{key}" if "~" not in key and "/" not in key else f"{pointer}/{escape(key)}"


def _key(value: Any, mapping: dict[str, Any]) -> str:
    if type(value) is not str or value in mapping:
        raise _GiveUp  # a key that is not text, or a duplicate: the full load reports it
    return value


def _expect(event: Any, kind: type[yaml.Event]) -> Any:
    if type(event) is not kind:
        raise _GiveUp
    return event


def _opening(event: Any, depth: int, as_key: bool = False) -> None:
    """A mapping or sequence start (not an alias), with no anchor or explicit tag, not nested too deep, not
    a key (a key that is not text: the full load reports it)."""
    if type(event) not in (MappingStartEvent, SequenceStartEvent) or anchored(event) or event.tag is not None:
        raise _GiveUp
    if depth >= MAX_DEPTH or as_key:
        raise _GiveUp


def _scalar(loader: SeedLoader, event: Any) -> Any:
    """An untagged scalar's value as SeedLoader constructs it."""
    text: str = event.value
    tag = loader.resolve(yaml.ScalarNode, text, event.implicit)
    if tag == _STR_TAG and _TEXT_IS_ITSELF:
        value: Any = text
    else:
        constructor = loader.yaml_constructors.get(tag)
        if constructor is None:
            raise _GiveUp  # a merge key '<<' or a value key '=': the full load flattens them
        value = constructor(loader, yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, style=event.style))
        if type(value) not in _PLAIN_TYPES:
            raise _GiveUp
    if len(text) <= _CACHED_SCALAR and len(_values) < _CACHE_LIMIT:
        _values[(text, event.implicit)] = value
    return value
