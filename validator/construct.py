"""Plain construction: a record built straight from the parser's events, without a node tree.

Composing nodes (each with its marks) and then constructing from them is most of the cost of loading
a seed; most records have no finding, so their positions are never needed. This builds the same
values from the events, resolving and constructing scalars through the loader's own resolver and
constructors (so a change to how the loader reads a scalar applies here too), and gives up — returns
None — on anything the full load must judge or report: anchors and aliases, explicit tags, duplicate
or non-text keys, merge keys, syntax errors, a document that is not a mapping, more than one document.
tests/unit/test_construct.py checks that whenever it answers, the full load gives the same record.
"""

from __future__ import annotations

from collections.abc import Callable
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

_STR = "tag:yaml.org,2002:str"
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})
_CACHED_SCALAR = 64  # longer scalars (titles, URLs) rarely repeat: not worth caching
_CACHE_LIMIT = 4096


class _GiveUp(Exception):
    pass


def plain_record(loader: yaml.SafeLoader) -> dict[str, Any] | None:
    """The mapping of the loader's single document, or None when the full load must decide."""
    try:
        return _build(loader)
    except Exception:  # _GiveUp, a syntax error, a constructor's complaint: the full load reports it
        return None


def _build(loader: yaml.SafeLoader) -> dict[str, Any] | None:
    get_event: Callable[[], Any] = loader.get_event
    cache = _value_caches.setdefault(type(loader), {})
    if type(get_event()) is not StreamStartEvent or type(get_event()) is not DocumentStartEvent:
        raise _GiveUp
    stack: list[tuple[Any, str | None]] = []
    container: Any = None
    key: str | None = None
    root: Any = None
    while True:
        event = get_event()
        kind = type(event)
        if kind is ScalarEvent:
            value = _scalar(loader, event, cache)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag not in (None, "!"):
                raise _GiveUp
            stack.append((container, key))
            container, key = ({} if kind is MappingStartEvent else []), None
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = container
            container, key = stack.pop()
        elif kind is DocumentEndEvent:
            if type(get_event()) is not StreamEndEvent or type(root) is not dict:
                raise _GiveUp
            return root
        else:  # an alias, or anything this does not know
            raise _GiveUp
        if container is None:
            root = value
        elif type(container) is list:
            container.append(value)
        elif key is None:
            if type(value) is not str or value in container:
                raise _GiveUp  # a key that is not text, or a duplicate: the full load reports it
            key = value
        else:
            container[key] = value
            key = None


# Per loader class: (scalar text, implicit flags) → its value. Short scalars (keys, numbers, booleans,
# enum values) repeat in every record; their values are immutable and depend on nothing else, as long as
# the loader's scalar constructors are functions of the text alone (PyYAML's safe ones and ours are).
_value_caches: dict[type[yaml.SafeLoader], dict[tuple[str, tuple[bool, bool]], Any]] = {}
_MISSING = object()


def _scalar(loader: yaml.SafeLoader, event: ScalarEvent, cache: dict[tuple[str, tuple[bool, bool]], Any]) -> Any:
    if event.anchor is not None or event.tag not in (None, "!"):
        raise _GiveUp
    value: str = event.value
    cache_key = (value, event.implicit)
    known = cache.get(cache_key, _MISSING)
    if known is not _MISSING:
        return known
    resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = loader.resolve
    tag = resolve(yaml.ScalarNode, value, event.implicit)
    if tag == _STR:
        constructed: Any = value
    else:
        constructor = loader.yaml_constructors.get(tag)
        if constructor is None:
            raise _GiveUp  # e.g. a merge key '<<': the full load handles it
        start: Any = event.start_mark  # libyaml's marks: the same the composer gives its nodes
        end: Any = event.end_mark
        constructed = constructor(loader, yaml.ScalarNode(tag, value, start, end, style=event.style))
        if type(constructed) not in _PLAIN_TYPES:
            raise _GiveUp
    if len(value) <= _CACHED_SCALAR and len(cache) < _CACHE_LIMIT:
        cache[cache_key] = constructed
    return constructed
