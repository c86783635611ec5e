"""The YAML loader of seed files: libyaml's safe loader with the traps of seed-format.md closed.

Timestamps, YAML 1.1 booleans (yes/no/on/off), base64 and numbers JSON cannot hold (NaN, infinities,
integers of more than 4,000 digits, '!!int abc') stay the text written; every value is a JSON value;
duplicate keys are noted; a list or mapping as a key is refused; and where a '*' could make an alias, a
node built twice stops the construction (load.py's event scan rejects anchors and aliases first).

What both ways of loading share is here, once: the resolver and scalar constructors (SeedLoader), the
value cap (MAX_VALUES, counted on VALUE_EVENTS) and what an anchor or alias is (anchored). The full load
(load.py) composes a node tree and constructs from it; the plain one (plain_load.py) builds a record straight
from the events with the same resolver and constructors, and gives up wherever the full load must judge.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

# libyaml parses about ten times faster; construction stays in Python so the hooks below still apply.
BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LIBYAML = BaseLoader is not yaml.SafeLoader

_CORE_BOOLS = {"true": True, "false": False}
# Integers beyond this stay the text written: Python will not print them (4,300 digits), and building
# them (sexagesimal '1:59:59…') takes time quadratic in their length.
_MAX_INT = 10**4000
_MAX_INT_TEXT = 2 * 4000 + 8  # digits, plus room for signs, '0x' and '_' separators

_STR_TAG = "tag:yaml.org,2002:str"

# Values (scalars, lists, mappings) in one record: a seed holds a few hundred; each costs the parser about
# a kilobyte, so this bounds a record at ~100 MB whatever --max-file-size allows.
MAX_VALUES = 100_000
VALUE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)


def anchored(event: yaml.Event) -> bool:
    """An alias, or a node with an anchor: what seed files may not hold (yaml/alias)."""
    return isinstance(event, yaml.AliasEvent) or bool(getattr(event, "anchor", None))


class AliasFound(yaml.MarkedYAMLError):
    """A node was about to be built a second time: an alias."""


class SeedLoader(BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loading with the traps of seed-format.md closed: timestamps stay text, duplicate keys noted."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[yaml.MappingNode, str]] = []

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        # A plain scalar too long to be a number (see _bounded_int) is text: its resolver regexes would
        # otherwise keep backtracking state for every ':59' of a megabyte of sexagesimal digits.
        if kind is yaml.ScalarNode and implicit[0] and len(value) > _MAX_INT_TEXT:
            return _STR_TAG
        return str(super().resolve(kind, value, implicit))

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):  # '!!set [1]'
            raise yaml.constructor.ConstructorError(None, None, f"expected a mapping, but found {node.id}",
                                                    node.start_mark)
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found a {key_node.id} as a key; keys must be text", key_node.start_mark)
            key = self.construct_object(key_node, deep=deep)
            # JSON Schema only knows string keys (check-jsonschema does the same).
            key = key if isinstance(key, str) else str(key)
            if key in mapping:
                self.duplicate_keys.append((node, key))
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


def _core_schema_bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool | str:
    # YAML 1.1 reads yes/no/on/off as booleans; keep those as the text written (YAML 1.2 core schema).
    text = str(loader.construct_scalar(node))
    return _CORE_BOOLS.get(text.lower(), text)


def _bounded_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    # Hex, octal, binary and sexagesimal forms too; too long, too large or not a number ('!!int x'): text.
    text = str(loader.construct_scalar(node))
    if len(text) > _MAX_INT_TEXT:
        return text
    try:
        value = loader.construct_yaml_int(node)
    except (ValueError, IndexError):  # IndexError: '!!int' with nothing after it
        return text
    return value if -_MAX_INT < value < _MAX_INT else text


def _finite_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float | str:
    # JSON has no NaN or infinity: '.nan', '.inf' and '1e999' stay the text written, like '!!float x'.
    try:
        value = loader.construct_yaml_float(node)
    except (ValueError, IndexError):
        value = math.nan
    return value if math.isfinite(value) else str(loader.construct_scalar(node))


class AliasRefusingLoader(SeedLoader):
    """For documents with a '*' (no alias without one): a node built twice is an alias. The pre-scan rejects
    them already; this makes sure no syntax slips by before anything expands one."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            raise AliasFound(problem="found an alias", problem_mark=node.start_mark)
        return super().construct_object(node, deep=deep)


SeedLoader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)
SeedLoader.add_constructor("tag:yaml.org,2002:bool", _core_schema_bool)
SeedLoader.add_constructor("tag:yaml.org,2002:int", _bounded_int)
SeedLoader.add_constructor("tag:yaml.org,2002:float", _finite_float)
# Every value is a JSON value: base64 stays the text written, sets are mappings (of nulls), ordered maps
# and pairs the sequences of one-key mappings they are written as.
SeedLoader.add_constructor("tag:yaml.org,2002:binary", _as_text)
SeedLoader.add_constructor("tag:yaml.org,2002:set", SeedLoader.construct_yaml_map)
SeedLoader.add_constructor("tag:yaml.org,2002:omap", SeedLoader.construct_yaml_seq)
SeedLoader.add_constructor("tag:yaml.org,2002:pairs", SeedLoader.construct_yaml_seq)


def loader_for(document: str) -> SeedLoader:
    """A loader for one document (dispose() it after use)."""
    return AliasRefusingLoader(document) if "*" in document else SeedLoader(document)
