"""Seed files → records with source positions. Per-file problems become findings, never exceptions."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .files import DEFAULT_MAX_BYTES, Refusal, read_bounded
from .models import Finding, Severity
from .positions import SourceMap, escape
from .text import bounded
from .tree import Tree, display_path

PLAIN_YAML_SUFFIXES = frozenset({".yaml", ".yml"})
__all__ = ["DEFAULT_MAX_BYTES", "LoadedFile", "front_matter", "load_file", "parse_text"]

# libyaml parses about ten times faster; construction stays in Python so the hooks below still apply.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LIBYAML = _BaseLoader is not yaml.SafeLoader

_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
# A cheap, conservative filter: any '&' or '*' where libyaml could start an anchor or alias token (after
# a line start, a blank, a flow indicator, a flow ':' or '?' straight before it, a quote or a BOM).
# Only files it matches pay for the exact event scan below; construction rejects shared nodes besides.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[\]{},:?\"'\ufeff])[&*][^\s\[\]{},]", re.MULTILINE)
_CORE_BOOLS = {"true": True, "false": False}
_MAX_LINES_NAMED = 5
_ALIAS_MESSAGE = "YAML anchors and aliases are not allowed in seed files; write the value out"
# Integers beyond this stay the text written: Python will not print them (4,300 digits), and building
# them (sexagesimal '1:59:59…') takes time quadratic in their length.
_MAX_INT = 10**4000
_MAX_INT_TEXT = 2 * 4000 + 8  # digits, plus room for signs, '0x' and '_' separators


@dataclass(slots=True)
class LoadedFile:
    """The outcome of loading one file: a record (with its source map) or the findings that stopped it."""

    file: str
    record: dict[str, Any] | None = None
    source: SourceMap | None = None
    findings: list[Finding] = field(default_factory=list)


class _AliasFound(yaml.MarkedYAMLError):
    pass


class _SeedLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loading with the traps of seed-format.md closed: timestamps stay text, duplicate keys noted."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[yaml.MappingNode, str]] = []

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


class _AliasRefusingLoader(_SeedLoader):
    """For documents with a '*' (no alias without one): a node built twice is an alias. The pre-scan rejects
    them already; this makes sure no syntax slips by before anything expands one."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            raise _AliasFound(problem="found an alias", problem_mark=node.start_mark)
        return super().construct_object(node, deep=deep)


_SeedLoader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)
_SeedLoader.add_constructor("tag:yaml.org,2002:bool", _core_schema_bool)
_SeedLoader.add_constructor("tag:yaml.org,2002:int", _bounded_int)
_SeedLoader.add_constructor("tag:yaml.org,2002:float", _finite_float)
# Every value is a JSON value: base64 stays the text written, sets are mappings (of nulls), ordered maps
# and pairs the sequences of one-key mappings they are written as.
_SeedLoader.add_constructor("tag:yaml.org,2002:binary", _as_text)
_SeedLoader.add_constructor("tag:yaml.org,2002:set", _SeedLoader.construct_yaml_map)
_SeedLoader.add_constructor("tag:yaml.org,2002:omap", _SeedLoader.construct_yaml_seq)
_SeedLoader.add_constructor("tag:yaml.org,2002:pairs", _SeedLoader.construct_yaml_seq)


def load_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, file: str | None = None,
              tree: Tree | None = None) -> LoadedFile:
    """Read and parse one seed file. Never raises for a bad file: its problems come back as findings.

    With a tree, the file is read only if it lies inside it (see tree.Tree); either way only a regular
    file of at most max_bytes is read, without ever blocking (see files.read_bounded).
    """
    file = file if file is not None else display_path(path)
    raw = tree.read(path, max_bytes) if tree is not None else read_bounded(path, max_bytes)
    if isinstance(raw, Refusal):
        return _failed(file, None, raw.rule, raw.message)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return _failed(file, (line, column), "yaml/encoding",
                       f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}; save the file as UTF-8")
    return parse_text(text, file, plain_yaml=path.suffix.lower() in PLAIN_YAML_SUFFIXES)


def parse_text(text: str, file: str, *, plain_yaml: bool = False) -> LoadedFile:
    """Parse a seed document (front matter unless plain_yaml) into a record and its source map."""
    if not text.strip():
        return _failed(file, None, "yaml/empty", "file is empty")
    if plain_yaml:
        document = text
    else:
        document_or_finding = _front_matter(text, file)
        if isinstance(document_or_finding, LoadedFile):
            return document_or_finding
        document = document_or_finding

    if ("&" in document or "*" in document) and _MAYBE_ANCHOR.search(document):
        anchor = _first_anchor_or_alias(document)
        if anchor is not None:
            return _failed(file, anchor, "yaml/alias", _ALIAS_MESSAGE)

    loader = _AliasRefusingLoader(document) if "*" in document else _SeedLoader(document)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _AliasFound as exc:
        mark = exc.problem_mark
        return _failed(file, None if mark is None else (mark.line + 1, mark.column + 1), "yaml/alias", _ALIAS_MESSAGE)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = None if mark is None else (mark.line + 1, mark.column + 1)
        problem = " ".join(part for part in (exc.context, exc.problem) if part)
        return _failed(file, position, "yaml/syntax", f"invalid YAML: {problem}")
    except yaml.YAMLError as exc:
        return _failed(file, None, "yaml/syntax", f"invalid YAML: {exc}")
    finally:
        loader.dispose()

    if data is None:
        return _failed(file, None, "yaml/empty", "the front matter holds no record")
    source = SourceMap(node)
    if not isinstance(data, dict):
        return _failed(file, source.position(""), "yaml/not-mapping",
                       f"the record must be a mapping of fields, not a {_yaml_type(data)}")
    findings = _duplicate_findings(file, source, loader.duplicate_keys) if loader.duplicate_keys else []
    return LoadedFile(file, data, source, findings)


def front_matter(text: str) -> str | None:
    """The YAML document of a front-matter file (from its opening fence), or None when it has none."""
    document = _front_matter(text, "")
    return document if isinstance(document, str) else None


def _front_matter(text: str, file: str) -> str | LoadedFile:
    first_line_end = text.find("\n")
    first_line = text if first_line_end < 0 else text[:first_line_end]
    if first_line.rstrip() != "---":
        return _failed(file, (1, 1), "yaml/front-matter",
                       "a seed file starts with a '---' line, then the record, then a closing '---' line")
    closing = _CLOSING_FENCE.search(text, first_line_end + 1) if first_line_end >= 0 else None
    if closing is None:
        return _failed(file, (1, 1), "yaml/front-matter",
                       "the front matter opened on line 1 has no closing '---' line")
    # Parsing from the opening fence keeps the parser's line numbers equal to the file's.
    return text[: closing.start()]


def _first_anchor_or_alias(document: str) -> tuple[int, int] | None:
    try:
        for event in yaml.parse(document, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                return None if mark is None else (mark.line + 1, mark.column + 1)
    except yaml.YAMLError:
        return None  # the real parse reports the syntax error with its position
    return None


def _duplicate_findings(file: str, source: SourceMap, duplicates: list[tuple[yaml.MappingNode, str]]
                        ) -> list[Finding]:
    """One finding per repeated key of a mapping, at its last occurrence (linear however often it repeats)."""
    unique = dict.fromkeys(duplicates)
    pointers = source.pointers_of(mapping for mapping, _ in unique)
    marks_by_mapping: dict[int, dict[str, list[yaml.Mark]]] = {}
    findings = []
    for mapping, key in unique:
        marks = marks_by_mapping.get(id(mapping))
        if marks is None:
            marks = marks_by_mapping[id(mapping)] = {}
            for key_node, _ in mapping.value:
                if isinstance(key_node, yaml.ScalarNode):
                    marks.setdefault(key_node.value, []).append(key_node.start_mark)
        found = marks.get(key, [])
        line, column = (found[-1].line + 1, found[-1].column + 1) if found else (None, None)
        earlier = ", ".join(str(mark.line + 1) for mark in found[:-1][:_MAX_LINES_NAMED])
        if len(found) - 1 > _MAX_LINES_NAMED:
            earlier += f" and {len(found) - 1 - _MAX_LINES_NAMED:,} more"
        findings.append(Finding(file, line, column, pointers.get(id(mapping), "") + "/" + escape(key),
                                "yaml/duplicate-key", Severity.ERROR,
                                f"duplicate key '{bounded(key)}' (also on line {earlier}); "
                                "YAML keeps only the last value"))
    return findings


def _yaml_type(value: object) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__)


def _failed(file: str, position: tuple[int, int] | None, rule: str, message: str) -> LoadedFile:
    line, column = position if position is not None else (None, None)
    return LoadedFile(file, findings=[Finding(file, line, column, "", rule, Severity.ERROR, message)])
