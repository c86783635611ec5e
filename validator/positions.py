"""JSON Pointers (RFC 6901) and their positions in the YAML node tree a record was built from."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import yaml


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(path: Iterable[str | int]) -> str:
    """The JSON Pointer of a path of keys and indexes ('' is the whole record)."""
    return "".join("/" + escape(str(part)) for part in path)


def split(pointer: str) -> list[str]:
    return [unescape(token) for token in pointer.split("/")[1:]] if pointer else []


_SCANNED = 32  # a mapping of at most this many entries is scanned: indexing it would cost more


class SourceMap:
    """Answers 'where in the file is this pointer?' from the composed YAML nodes.

    A lookup costs only a walk down one path: positions are computed only for what is reported. The nodes
    are a by-product of the full load, or, for a record loaded plainly (plain_load.py), composed on the
    first lookup that needs them (`SourceMap.deferred`): the positions plain loading kept answer first
    (every value's when a link check asked for them), so most files are never composed at all.
    """

    __slots__ = ("_compose", "_index", "_known", "_root")

    def __init__(self, root: yaml.Node | None) -> None:
        self._root = root
        self._compose: Callable[[], yaml.Node | None] | None = None
        self._known: dict[str, tuple[int, int]] = {}
        # The entries of a large mapping by key, made on its first lookup: a record with thousands of
        # unknown keys gets a finding (and a lookup) for each, which a scan per lookup made quadratic.
        self._index: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = {}

    @classmethod
    def deferred(cls, compose: Callable[[], yaml.Node | None], known: dict[str, tuple[int, int]]) -> SourceMap:
        """A map whose nodes come from compose(), called once, on the first lookup that needs them; known
        gives the positions of some values ({pointer: (line, column)}) without composing."""
        source = cls(None)
        source._compose, source._known = compose, known
        return source

    @property
    def root(self) -> yaml.Node | None:
        if self._compose is not None:
            self._root, self._compose = self._compose(), None
        return self._root

    def node(self, pointer: str, *, key: bool = False) -> yaml.Node | None:
        """The value node at pointer, or with key=True the key node that names it (a mapping entry)."""
        root = self.root
        if root is None:
            return None
        node: yaml.Node = root
        tokens = split(pointer)
        for depth, token in enumerate(tokens):
            last = depth == len(tokens) - 1
            if isinstance(node, yaml.MappingNode):
                entry = self._entry(node, token)
                if entry is None:
                    return None
                if last and key:
                    return entry[0]
                node = entry[1]
            elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
                node = node.value[int(token)]
            else:
                return None
        return node

    def _entry(self, node: yaml.MappingNode, token: str) -> tuple[yaml.Node, yaml.Node] | None:
        if len(node.value) <= _SCANNED:
            return _entry(node, token)
        index = self._index.get(id(node))
        if index is None:  # the last of equal keys wins, as in the loaded record
            index = self._index[id(node)] = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        return index.get(token)

    def position(self, pointer: str, *, key: bool = False) -> tuple[int, int] | None:
        """1-based (line, column) of the node at pointer; the nearest existing ancestor when it is absent."""
        known = None if key else self._known.get(pointer)
        if known is not None:
            return known
        tokens = split(pointer)
        while True:
            node = self.node(join(tokens), key=key)
            if node is not None:
                return node.start_mark.line + 1, node.start_mark.column + 1
            if not tokens:
                return None
            tokens.pop()
            key = False

    def line(self, pointer: str) -> int | None:
        position = self.position(pointer)
        return position[0] if position else None

    def pointer_of(self, target: yaml.Node) -> str:
        """The pointer of a node known to be in the tree (used only for rare findings)."""
        return self.pointers_of([target]).get(id(target), "")

    def pointers_of(self, targets: Iterable[yaml.Node]) -> dict[int, str]:
        """The pointers of nodes in the tree by id(node), found in one walk: linear in the tree's size."""
        wanted = {id(node) for node in targets}
        found: dict[int, str] = {}
        # Each visited node: (node, index of its parent's entry, its token); paths are rebuilt only when found.
        entries: list[tuple[int, str | int]] = []
        root = self.root
        stack: list[tuple[yaml.Node, int, str | int]] = [] if root is None else [(root, -1, "")]
        while stack and len(found) < len(wanted):
            node, parent, token = stack.pop()
            entries.append((parent, token))
            here = len(entries) - 1
            if id(node) in wanted:
                found[id(node)] = join(_path(entries, here))
            if isinstance(node, yaml.MappingNode):
                stack.extend((v, here, str(k.value)) for k, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((v, here, i) for i, v in enumerate(node.value))
        return found


def _path(entries: list[tuple[int, str | int]], index: int) -> list[str | int]:
    path: list[str | int] = []
    while index > 0:
        parent, token = entries[index]
        path.append(token)
        index = parent
    return path[::-1]


def locate(source: SourceMap | None, pointer: str, *, key: bool = False) -> tuple[int | None, int | None]:
    """(line, column) of pointer for a finding; (None, None) where the record has no source map."""
    position = source.position(pointer, key=key) if source is not None else None
    return position if position is not None else (None, None)


def _entry(node: yaml.MappingNode, token: str) -> tuple[yaml.Node, yaml.Node] | None:
    found = None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == token:
            found = (key_node, value_node)  # the last one wins, as in the loaded record
    return found
