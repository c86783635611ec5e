"""The corpus-wide rule: the same main article URL in two seed files."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..files import DEFAULT_MAX_BYTES, read_bounded
from ..load import PLAIN_YAML_SUFFIXES, front_matter
from ..models import Finding, Severity
from ..positions import SourceMap, locate
from ..text import bounded_url
from ..tree import Tree
from ..urls import normalise

RULE_ID = "seed/duplicate-article"
SUMMARY = "two seed files should not have the same main article URL"
_ARTICLE_KEYS = ("webUrl", "originalUrl")
# Top-level keys start at column 0: enough to index the files a run does not otherwise read.
_ARTICLE_LINE = re.compile(r"^(?:webUrl|originalUrl):[ \t]*(\S.*?)[ \t]*\r?$", re.MULTILINE)


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
        for url in urls:
            self._meet(normalise(url), file)

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
        findings = []
        seen_here: set[str] = set()
        for key in _ARTICLE_KEYS:
            url = record.get(key)
            if not isinstance(url, str) or not url.strip():
                continue
            identity = normalise(url)
            if identity in seen_here:
                continue  # webUrl == originalUrl is the normal case
            seen_here.add(identity)
            first = self._meet(identity, file)
            if first is not None:
                line, column = locate(source, f"/{key}")
                findings.append(Finding(file, line, column, f"/{key}", RULE_ID, Severity.WARNING,
                                        f"same article as {first}: {bounded_url(url.strip())}"))
        return findings


def article_urls(record: Mapping[str, Any]) -> list[str]:
    return [url for key in _ARTICLE_KEYS if isinstance(url := record.get(key), str) and url.strip()]


def scan_article_urls(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, tree: Tree | None = None) -> list[str]:
    """The article URLs of a seed file read without parsing it as a whole (a few µs, not a millisecond).

    Read like a checked file: regular files only, at most max_bytes, inside the tree when one is given.
    """
    raw = tree.read(path, max_bytes) if tree is not None else read_bounded(path, max_bytes)
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else ""
    except UnicodeDecodeError:
        return []  # the file's own run reports it
    document = text if path.suffix.lower() in PLAIN_YAML_SUFFIXES else front_matter(text)
    return [url for url in (_scalar(m.group(1)) for m in _ARTICLE_LINE.finditer(document or "")) if url]


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
