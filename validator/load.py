"""Seed files → records with source positions. Per-file problems become findings, never exceptions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import seed_yaml
from .files import DEFAULT_MAX_BYTES, Refusal, read_bounded
from .models import Finding, Severity
from .plain_load import plain_record
from .positions import SourceMap, escape
from .seed_yaml import LIBYAML, VALUE_EVENTS, AliasFound, BaseLoader, anchored, loader_for
from .text import bounded
from .tree import Tree, display_path
from .yaml_errors import syntax_message

PLAIN_YAML_SUFFIXES = frozenset({".yaml", ".yml"})
__all__ = ["DEFAULT_MAX_BYTES", "LIBYAML", "LoadedFile", "front_matter", "load_file", "parse_text"]

# A closing fence: a line of '---' or '...', then nothing but spaces or tabs (and the '\r' of a CRLF).
_FENCES = ("\n---", "\n...")
# A cheap, conservative filter: any '&' or '*' where libyaml could start an anchor or alias token (after
# a line start, a blank, a flow indicator, a flow ':' or '?' straight before it, a quote or a BOM).
# Only files it matches pay for the exact event scan below; construction rejects shared nodes besides.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[\]{},:?\"'\ufeff])[&*][^\s\[\]{},]", re.MULTILINE)
_MAX_LINES_NAMED = 5
_ALIAS_MESSAGE = "YAML anchors and aliases are not allowed in seed files; write the value out"


@dataclass(slots=True)
class LoadedFile:
    """The outcome of loading one file: a record (with its source map) or the findings that stopped it."""

    file: str
    record: dict[str, Any] | None = None
    source: SourceMap | None = None
    findings: list[Finding] = field(default_factory=list)


def load_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, file: str | None = None,
              tree: Tree | None = None, every_position: bool = False) -> LoadedFile:
    """Read and parse one seed file. Never raises for a bad file: its problems come back as findings.

    With a tree, the file is read only if it lies inside it (see tree.Tree); either way only a regular
    file of at most max_bytes is read, without ever blocking (see files.read_bounded). every_position: see
    parse_text.
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
    return parse_text(text, file, plain_yaml=path.suffix.lower() in PLAIN_YAML_SUFFIXES, every_position=every_position)


def parse_text(text: str, file: str, *, plain_yaml: bool = False, every_position: bool = False,
               node_tree: bool = False) -> LoadedFile:
    """Parse a seed document (front matter unless plain_yaml) into a record and its source map.

    The record is built plainly from the parser's events where plain_load can, by the full load where it
    cannot. A plainly built record knows its top-level values' positions, with every_position (links,
    fixes: nearly every value's position will be asked for) every value's; its node tree is composed only
    if a position they do not give is asked for (a key's, an absent pointer's nearest ancestor). node_tree: the
    caller walks the node tree itself (the fixer): the full load, which composes it anyway, straight away.
    """
    if not text.strip():
        return _failed(file, None, "yaml/empty", "file is empty")
    if plain_yaml:
        document = text
    else:
        document_or_finding = _front_matter(text, file)
        if isinstance(document_or_finding, LoadedFile):
            return document_or_finding
        document = document_or_finding

    plain = None if node_tree else plain_record(document, every_position=every_position)
    if plain is not None:
        return LoadedFile(file, plain.record, SourceMap.deferred(lambda: _compose(document), plain.positions))
    return _full_load(document, text, file, plain_yaml=plain_yaml)


def _full_load(document: str, text: str, file: str, *, plain_yaml: bool) -> LoadedFile:
    """The node tree composed and constructed by seed_yaml's loader; every finding of the document's YAML."""
    # Only a long document can hold too many values: dense flow YAML makes one per character (`[?a,?a,…]`,
    # each `?a,` a one-pair mapping: three values), so the events are counted past half the cap in
    # characters, a margin below that (a seed is a few KB: it is never counted).
    too_long = len(document) > seed_yaml.MAX_VALUES // 2
    if too_long or (("&" in document or "*" in document) and _MAYBE_ANCHOR.search(document)):
        stop = _scan_events(document, count=too_long)
        if stop is not None:
            rule, position = stop
            message = _ALIAS_MESSAGE if rule == "yaml/alias" else (
                f"the record holds more than {seed_yaml.MAX_VALUES:,} values (a seed holds a few hundred); "
                "not read further")
            return _failed(file, position, rule, message)

    loader = loader_for(document)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except AliasFound as exc:
        mark = exc.problem_mark
        return _failed(file, None if mark is None else (mark.line + 1, mark.column + 1), "yaml/alias", _ALIAS_MESSAGE)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = None if mark is None else (mark.line + 1, mark.column + 1)
        message = syntax_message(exc, front_matter=plain_yaml and front_matter(text) is not None)
        return _failed(file, position, "yaml/syntax", message)
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


def _compose(document: str) -> yaml.Node | None:
    """The node tree of a document plain_load already read (for positions): the full load's nodes."""
    loader = loader_for(document)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


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
    closing = _closing_fence(text, first_line_end) if first_line_end >= 0 else -1
    if closing < 0:
        return _failed(file, (1, 1), "yaml/front-matter",
                       "the front matter opened on line 1 has no closing '---' line")
    # Parsing from the opening fence keeps the parser's line numbers equal to the file's.
    return text[:closing]


def _closing_fence(text: str, newline: int) -> int:
    """Where the first closing fence after the newline at index newline starts, or -1: found by jumping to
    the lines that start with '---' or '...' (a regex over every line cost ~40 µs per seed; the duplicate
    rule's scan reads every file of the corpus this way)."""
    candidates = [text.find(fence, newline) for fence in _FENCES]
    while True:
        found = [at for at in candidates if at >= 0]
        if not found:
            return -1
        at = min(found)
        end = text.find("\n", at + 4)
        rest = text[at + 4: len(text) if end < 0 else end]
        if not rest.removesuffix("\r").strip(" \t"):
            return at + 1
        candidates = [text.find(fence, at + 1) if c == at else c for fence, c in zip(_FENCES, candidates, strict=True)]


def _scan_events(document: str, *, count: bool) -> tuple[str, tuple[int, int] | None] | None:
    """The first anchor or alias (yaml/alias), or with count the value past MAX_VALUES (yaml/too-large), from
    libyaml's event stream: nothing is built or kept, and the scan stops there."""
    values = 0
    try:
        for event in yaml.parse(document, Loader=BaseLoader):
            if anchored(event):
                return "yaml/alias", _position(event.start_mark)
            if count and isinstance(event, VALUE_EVENTS):
                values += 1
                if values > seed_yaml.MAX_VALUES:
                    return "yaml/too-large", _position(event.start_mark)
    except yaml.YAMLError:
        return None  # the real parse reports the syntax error with its position
    return None


def _position(mark: Any) -> tuple[int, int] | None:
    return None if mark is None else (mark.line + 1, mark.column + 1)


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
