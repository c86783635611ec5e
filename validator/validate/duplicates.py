"""The corpus-wide rule: the same main article URL in two seed files."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..models import Finding, Severity
from ..positions import SourceMap
from ..urls import normalise

RULE_ID = "seed/duplicate-article"
SUMMARY = "two seed files should not have the same main article URL"
_ARTICLE_KEYS = ("webUrl", "originalUrl")


class DuplicateArticles:
    """Remembers each file's article URLs (normalised): memory grows with files, not with records' size."""

    def __init__(self) -> None:
        self._first: dict[str, str] = {}

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
            first = self._first.setdefault(identity, file)
            if first != file:
                position = source.position(f"/{key}") if source is not None else None
                line, column = position if position is not None else (None, None)
                findings.append(Finding(file, line, column, f"/{key}", RULE_ID, Severity.WARNING,
                                        f"same article as {first}: {url.strip()}"))
        return findings
