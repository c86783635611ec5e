"""The corpus-wide rule: the same main article URL in two seed files."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..files import DEFAULT_MAX_BYTES, read_bounded
from ..load import PLAIN_YAML_SUFFIXES, front_matter, parse_text
from ..models import Finding, Severity
from ..positions import SourceMap, locate
from ..text import bounded_url
from ..tree import Tree
from ..urls import normalise

RULE_ID = "seed/duplicate-article"
# What the scan below and urls.normalise make of a file: bump it whenever either could answer differently for
# the same bytes (the article index, article_index.py, kept between runs, is then rebuilt). A test holds the
# answers to a fixed set of files and URLs against it (tests/unit/test_article_index.py).
SCAN_VERSION = 2
SUMMARY = "two seed files should not have the same main article URL"
ARTICLE_KEYS = ("webUrl", "originalUrl")
# Top-level keys start at column 0: enough to index the files a run does not otherwise read. The lines are
# found with str.find (a regex with '^' and MULTILINE tries every position: ten times slower).
_ARTICLE_STARTS = tuple(f"\n{key}:" for key in ARTICLE_KEYS)
# Top-level lines that may hold an article URL the line scan cannot read: a quoted key, a space before the
# colon, an explicit key; and a document that is one flow mapping.
_UNREAD_LINE = re.compile(r"\n(?:[\"']?(?:webUrl|originalUrl)[\"' \t]|\? )")
_UNREAD = ("{", "? ")
# A top-level line whose value opens with a quote or a bracket (found from a newline: '^' with MULTILINE
# would try every position).
# A CR that is not part of a CRLF: YAML reads it as a line break (so are NEL, LS and PS: _odd_break).
_LONE_CR = re.compile("\r(?!\n)")
_OPENS = re.compile(r"\n[^\s#\-][^\n:]*:[ \t]*([\"'\[{][^\n]*)")


class DuplicateArticles:
    """Remembers each file's article URLs (normalised): memory grows with files, not with records' size.

    A file added is compared with every file met before it: in a whole-corpus run the later file of a pair
    is reported. Files remembered up front (the rest of the corpus, in a run over some files) count as met
    before, so a checked file is reported whatever else the run checks: the answer for a file does not
    depend on how the files are split between runs (pre-commit batches, --changed-since).
    """

    def __init__(self) -> None:
        self._first: dict[str, str] = {}
        self._more: dict[str, list[str]] = {}  # the other files of an article, for the few that have them

    def remember(self, file: str, urls: Iterable[str]) -> None:
        """Register a file without checking it, so checked files meet it."""
        self.remember_identities(file, map(normalise, urls))

    def remember_identities(self, file: str, identities: Iterable[str]) -> None:
        """Register a file by its article URLs' identities (see identities), as remember does by its URLs."""
        for identity in identities:
            self._meet(identity, file)

    def _meet(self, identity: str, file: str) -> str | None:
        """Note that file has this article; the first other file that has it, if any."""
        first = self._first.setdefault(identity, file)
        if first != file:
            more = self._more.setdefault(identity, [])
            if file not in more:
                more.append(file)
            return first
        return next(iter(self._more.get(identity, ())), None)

    def add(self, file: str, record: Mapping[str, Any], source: SourceMap | None) -> list[Finding]:
        return self.add_found(file, article_refs(record, source))

    def add_found(self, file: str, refs: Iterable[ArticleRef]) -> list[Finding]:
        """Check a file by its article URLs with their positions (article_refs, found where it was loaded)."""
        findings = []
        seen_here: set[str] = set()
        for key, url, line, column in refs:
            identity = normalise(url)
            if identity in seen_here:
                continue  # webUrl == originalUrl is the normal case
            seen_here.add(identity)
            first = self._meet(identity, file)
            if first is not None:
                findings.append(Finding(file, line, column, f"/{key}", RULE_ID, Severity.WARNING,
                                        f"same article as {first}: {bounded_url(url.strip())}"))
        return findings


# (key, URL, line, column) of a main article URL: what the duplicate rule needs of a record.
ArticleRef = tuple[str, str, int | None, int | None]


def article_refs(record: Mapping[str, Any], source: SourceMap | None) -> tuple[ArticleRef, ...]:
    return tuple((key, url, *locate(source, f"/{key}")) for key in ARTICLE_KEYS
                 if isinstance(url := record.get(key), str) and url.strip())


def article_urls(record: Mapping[str, Any]) -> list[str]:
    return [url for key in ARTICLE_KEYS if isinstance(url := record.get(key), str) and url.strip()]


def identities(urls: Iterable[str]) -> tuple[str, ...]:
    """The distinct identities (urls.normalise) of a file's article URLs, in order: what remember_identities
    takes, and what the article index keeps."""
    return tuple(dict.fromkeys(map(normalise, dict.fromkeys(urls))))  # webUrl == originalUrl: normalised once


def scan_article_urls(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, tree: Tree | None = None) -> list[str]:
    """The article URLs of a seed file read without parsing it as a whole (a few µs, not a millisecond),
    the same ones a full load finds: a file whose article URLs are written in a way the line scan does not
    read (a quoted key, the value on the next line, a block scalar, a flow mapping) is parsed instead.

    Read like a checked file: regular files only, at most max_bytes, inside the tree when one is given.
    """
    raw = tree.read(path, max_bytes) if tree is not None else read_bounded(path, max_bytes)
    return article_urls_in(raw, path) if isinstance(raw, bytes) else []


def article_urls_in(raw: bytes, path: Path) -> list[str]:
    """The article URLs of the bytes of the seed file at path (its suffix says whether it is plain YAML), as
    scan_article_urls finds them."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return []  # the file's own run reports it
    plain_yaml = path.suffix.lower() in PLAIN_YAML_SUFFIXES
    document = "\n" + ((text if plain_yaml else front_matter(text)) or "")
    values = _article_values(document)
    if values is None:
        record = parse_text(text, str(path), plain_yaml=plain_yaml).record
        return article_urls(record) if record is not None else []
    return [url for url in map(_scalar, values) if url]


def _article_values(document: str) -> list[str] | None:
    """The raw value of every top-level webUrl/originalUrl line of document (which starts with a newline):
    the line after the key, less one final '\r' and the spaces and tabs around it; None when the document
    may hold one the scan cannot read (the file is then parsed)."""
    if (document.startswith(_UNREAD, 1) or _UNREAD_LINE.search(document) or _odd_break(document)
            or _spills(document)):
        return None
    values = []
    for start in _ARTICLE_STARTS:
        at = document.find(start)
        while at >= 0:
            value_start = at + len(start)
            end = document.find("\n", value_start)
            line = document[value_start:end] if end >= 0 else document[value_start:]
            value = (line[:-1] if line.endswith("\r") else line).strip(" \t")
            if not value or value[0] in "|>#" or "\t" in value:
                return None  # on the next line, a block scalar; a tab before a comment
            if not value[0].isspace():
                values.append(value)
            at = document.find(start, value_start)
    return values


def _odd_break(document: str) -> bool:
    """Whether YAML sees a line break the scan does not (lines are then not what the scan reads). `in` first:
    a regex alternation tried at every position cost ~60 µs a file, more than the rest of the scan."""
    return ("\x85" in document or "\u2028" in document or "\u2029" in document
            or ("\r" in document and _LONE_CR.search(document) is not None))


def _spills(document: str) -> bool:
    """Whether a top-level value may run on past its line (a quoted scalar or a flow collection left open),
    so that a later line at column 0 (`webUrl: …` inside a title) is not a key of its own."""
    for match in _OPENS.finditer(document):
        value = match.group(1)
        opening = value[0]
        if opening == '"' and (value.count('"') - value.count('\\"')) % 2:
            return True
        if opening == "'" and value.count("'") % 2:
            return True
        if opening in "[{" and value.count(opening) != value.count("]" if opening == "[" else "}"):
            return True
    return False


def _scalar(raw: str) -> str:
    if raw[0] == '"' and raw.endswith('"') and "\\" not in raw:
        return raw[1:-1]
    if raw[0] == "'" and raw.endswith("'"):
        return raw[1:-1].replace("''", "'")
    if raw[0] not in "\"'&*!|>[{":
        return raw.split(" #", 1)[0].strip()
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return ""
    return value if isinstance(value, str) else ""
