"""The typed values that flow between the stages: findings, links, link results, the run result."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        return 2 if self is Severity.ERROR else 1


class LinkKind(enum.StrEnum):
    PAGE = "page"
    AMP = "amp"
    AMP_CACHE = "amp-cache"
    IMAGE = "image"
    EMBED = "embed"


class LinkStatus(enum.StrEnum):
    OK = "ok"
    REDIRECTED = "redirected"
    DEAD = "dead"
    SOFT_DEAD = "soft-dead"
    MISMATCH = "mismatch"
    BLOCKED = "blocked"
    ERROR = "error"
    SKIPPED = "skipped"

    @property
    def severity(self) -> Severity | None:
        """How a link in this status counts against --fail-on (report contract: 'fails CI by default')."""
        if self in (LinkStatus.DEAD, LinkStatus.SOFT_DEAD, LinkStatus.MISMATCH):
            return Severity.ERROR
        if self in (LinkStatus.REDIRECTED, LinkStatus.BLOCKED, LinkStatus.ERROR):
            return Severity.WARNING
        return None


@dataclass(frozen=True, slots=True)
class Finding:
    """One structural or metadata problem, positioned in a file (line/column are 1-based)."""

    file: str
    line: int | None
    column: int | None
    pointer: str
    rule: str
    severity: Severity
    message: str

    def sort_key(self) -> tuple[str, int, str, str, str]:
        return (self.file, self.line or 0, self.pointer, self.rule, self.message)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """Where a URL stands: the file, the JSON pointer of the field and its line."""

    file: str
    pointer: str
    line: int | None


@dataclass(frozen=True, slots=True)
class ImageSpec:
    """What the record declares about an image: checked against the bytes served."""

    width: int | None
    height: int | None


@dataclass(frozen=True, slots=True)
class LinkRef:
    """One occurrence of a URL in a record, as extraction finds it."""

    url: str
    kind: LinkKind
    occurrence: Occurrence
    # For AMP links: the article URLs the AMP page's canonical may point back to.
    canonical_candidates: tuple[str, ...] = ()
    image: ImageSpec | None = None


@dataclass(frozen=True, slots=True)
class LinkResult:
    """The verdict on one distinct URL."""

    url: str
    kind: LinkKind
    status: LinkStatus
    reason: str
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[str, ...] = ()
    attempts: int = 0
    elapsed_ms: int = 0
    checked_at: str = ""
    from_cache: bool = False
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)
class LinkEntry:
    """A distinct URL with every place it occurs and, once checked, its result."""

    url: str
    kind: LinkKind
    occurrences: list[Occurrence] = field(default_factory=list)
    canonical_candidates: set[str] = field(default_factory=set)
    image: ImageSpec | None = None
    result: LinkResult | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the link stage is: distinct URLs done of total, broken so far, seconds since it started."""

    done: int
    total: int
    broken: int
    elapsed: float


@dataclass(slots=True)
class RunResult:
    """Everything a run found; every report renderer reads only this."""

    tool_version: str
    started_at: str
    finished_at: str = ""
    complete: bool = True
    inconclusive: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    files: int = 0
    records: int = 0
    checked_files: list[str] = field(default_factory=list)
    # The year each checked record was published: the HTML report's broken-link rate by article age.
    published_years: dict[str, int] = field(default_factory=dict)
    shard: tuple[int, int] | None = None
    interrupted: int | None = None  # the signal that stopped the run
    # With --baseline: the accepted (file, pointer, rule, url) entries, and the baseline's path.
    baseline_keys: frozenset[tuple[str, str, str, str]] | None = None
    baseline_file: str | None = None
    findings: list[Finding] = field(default_factory=list)
    links: dict[str, LinkEntry] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def sorted_links(self) -> list[LinkEntry]:
        return sorted(self.links.values(), key=lambda entry: entry.url)

    def count_findings(self) -> dict[Severity, int]:
        counts = dict.fromkeys(Severity, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def count_links(self) -> dict[LinkStatus, int]:
        counts = dict.fromkeys(LinkStatus, 0)
        for entry in self.links.values():
            if entry.result is not None:
                counts[entry.result.status] += 1
        return counts
