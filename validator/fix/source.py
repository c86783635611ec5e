"""A seed file as fixing needs it: its text exactly as loaded, the record, and the composed node tree.

The one module of fix/ that uses the loader: a fixed file is parsed exactly as the run parses it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..load import PLAIN_YAML_SUFFIXES, parse_text
from ..positions import split
from .model import Change


@dataclass(frozen=True, slots=True)
class Source:
    file: str
    text: str  # decoded, BOM excluded, line breaks untouched (the offsets of edits count in it)
    record: dict[str, Any]
    root: yaml.Node
    plain_yaml: bool = False
    bom: bool = False


def plain_yaml_file(path: Path) -> bool:
    """Whether the loader reads the file as plain YAML (no front matter fences)."""
    return path.suffix.lower() in PLAIN_YAML_SUFFIXES


def parse_source(text: str, file: str, *, plain_yaml: bool = False, bom: bool = False) -> Source | None:
    """The text parsed as the loader parses it, or None when it holds no record."""
    loaded = parse_text(text, file, plain_yaml=plain_yaml, node_tree=True)  # the fixer walks the tree
    if loaded.record is None or loaded.source is None:
        return None
    root = loaded.source.node("")
    assert root is not None
    return Source(file, text, loaded.record, root, plain_yaml, bom)


def with_changes(record: dict[str, Any], changes: Iterable[Change]) -> dict[str, Any]:
    """The record as the changes should leave it; containers are copied only along the changed paths."""
    result = copy.copy(record)
    copied: dict[tuple[str, ...], Any] = {(): result}
    removals: list[tuple[tuple[str, ...], int]] = []
    for change in changes:
        path = tuple(split(change.pointer))
        parent = _copied_parent(copied, path)
        if change.new is None:
            removals.append((path[:-1], int(path[-1])))
        elif isinstance(parent, list):
            parent[int(path[-1])] = change.new
        else:
            parent[path[-1]] = change.new
    for container_path, index in sorted(removals, reverse=True):  # later items first: indexes stay right
        del copied[container_path][index]
    return result


def _copied_parent(copied: dict[tuple[str, ...], Any], path: tuple[str, ...]) -> Any:
    for depth in range(1, len(path)):
        prefix = path[:depth]
        if prefix not in copied:
            parent = copied[prefix[:-1]]
            key: Any = int(prefix[-1]) if isinstance(parent, list) else prefix[-1]
            parent[key] = copied[prefix] = copy.copy(parent[key])
    return copied[path[:-1]]
