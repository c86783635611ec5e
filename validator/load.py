"""Seed files → records with source positions. Per-file problems become findings, never exceptions."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .construct import plain_record
from .models import Finding, Severity
from .positions import SourceMap, escape

SEED_SUFFIXES = frozenset({".txt", ".md", ".yaml", ".yml"})
PLAIN_YAML_SUFFIXES = frozenset({".yaml", ".yml"})
DEFAULT_MAX_BYTES = 4 * 1024 * 1024

# libyaml parses about ten times faster; construction stays in Python so the hooks below still apply.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LIBYAML = _BaseLoader is not yaml.SafeLoader

# A line '---' or '...': written with its leading newline, not '^' and MULTILINE, so the search skips from
# newline to newline instead of trying every position (30 µs → 3 µs on a seed).
_CLOSING_FENCE = re.compile(r"\n(?:---|\.\.\.)[ \t]*\r?(?=\n|\Z)")
# A cheap, conservative filter: any '&' or '*' that could start an anchor or alias token.
# Only files it matches pay for the exact event scan below.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,])[&*][^\s\[\]{},]", re.MULTILINE)
_CORE_BOOLS = {"true": True, "false": False}


@dataclass(slots=True)
class LoadedFile:
    """The outcome of loading one file: a record (with its source map) or the findings that stopped it."""

    file: str
    record: dict[str, Any] | None = None
    source: SourceMap | None = None
    findings: list[Finding] = field(default_factory=list)


class _SeedLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loading with the traps of seed-format.md closed: timestamps stay text, duplicate keys noted."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[yaml.MappingNode, str]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            # JSON Schema only knows string keys (check-jsonschema does the same).
            key = key if isinstance(key, str) else str(key)
            if key in mapping:
                self.duplicate_keys.append((node, key))
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


def _core_schema_bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool | str:
    # YAML 1.1 reads yes/no/on/off as booleans; keep those as the text written (YAML 1.2 core schema).
    text = str(loader.construct_scalar(node))
    return _CORE_BOOLS.get(text.lower(), text)


_SeedLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
_SeedLoader.add_constructor("tag:yaml.org,2002:bool", _core_schema_bool)


def discover(paths: Iterable[Path], *, skip: Iterable[Path] = ()) -> Iterator[Path]:
    """Seed files under the given paths, sorted; hidden entries, other extensions and the `skip` folders
    (the run's own report folder) left out when walking folders.

    A path named explicitly is always yielded, so a missing or odd file still gets its own finding.
    """
    skipped = {folder.resolve() for folder in skip}
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                             and not (skipped and (Path(root) / d).resolve() in skipped))
            for name in sorted(files):
                if not name.startswith(".") and Path(name).suffix.lower() in SEED_SUFFIXES:
                    yield Path(root) / name


def display_path(path: Path) -> str:
    """The path as reports show it: relative to the working directory when inside it, with '/'."""
    if not path.is_absolute() and ".." not in path.parts:
        return path.as_posix()
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, file: str | None = None) -> LoadedFile:
    """Read and parse one seed file. Never raises for a bad file: its problems come back as findings."""
    file = file if file is not None else display_path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return _failed(file, None, "yaml/too-large", f"file is {size:,} bytes, over the limit of "
                           f"{max_bytes:,} (raise --max-file-size to check it)")
        raw = path.read_bytes()
    except OSError as exc:
        return _failed(file, None, "yaml/unreadable", f"cannot read file: {exc.strerror or exc}")
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

    record = _plain(document)
    if record is not None:  # the common case: no node tree unless a finding needs a position
        return LoadedFile(file, record, SourceMap.deferred(lambda: _compose(document)))
    if ("&" in document or "*" in document) and _MAYBE_ANCHOR.search(document):
        anchor = _first_anchor_or_alias(document)
        if anchor is not None:
            return _failed(file, anchor, "yaml/alias",
                           "YAML anchors and aliases are not allowed in seed files; write the value out")

    loader = _SeedLoader(document)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
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
    findings = [_duplicate_finding(file, source, mapping, key) for mapping, key in loader.duplicate_keys]
    return LoadedFile(file, data, source, findings)


def _plain(document: str) -> dict[str, Any] | None:
    """The record by plain construction, or None when the full load below must judge the document."""
    loader = _SeedLoader(document)
    try:
        return plain_record(loader)
    finally:
        loader.dispose()


def _compose(document: str) -> yaml.Node | None:
    """The node tree of a document that plain construction already read (for positions)."""
    loader = _SeedLoader(document)
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
    closing = _CLOSING_FENCE.search(text, first_line_end) if first_line_end >= 0 else None
    if closing is None:
        return _failed(file, (1, 1), "yaml/front-matter",
                       "the front matter opened on line 1 has no closing '---' line")
    # Parsing from the opening fence keeps the parser's line numbers equal to the file's.
    return text[: closing.start() + 1]


def _first_anchor_or_alias(document: str) -> tuple[int, int] | None:
    try:
        for event in yaml.parse(document, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                return None if mark is None else (mark.line + 1, mark.column + 1)
    except yaml.YAMLError:
        return None  # the real parse reports the syntax error with its position
    return None


def _duplicate_finding(file: str, source: SourceMap, mapping: yaml.MappingNode, key: str) -> Finding:
    lines = [k.start_mark.line + 1 for k, _ in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key]
    pointer = source.pointer_of(mapping) + "/" + escape(key)
    last = lines[-1] if lines else None
    column = next((k.start_mark.column + 1 for k, _ in reversed(mapping.value) if k.value == key), None)
    earlier = ", ".join(str(n) for n in lines[:-1])
    return Finding(file, last, column, pointer, "yaml/duplicate-key", Severity.ERROR,
                   f"duplicate key '{key}' (also on line {earlier}); YAML keeps only the last value")


def _yaml_type(value: object) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__)


def _failed(file: str, position: tuple[int, int] | None, rule: str, message: str) -> LoadedFile:
    line, column = position if position is not None else (None, None)
    return LoadedFile(file, findings=[Finding(file, line, column, "", rule, Severity.ERROR, message)])
