"""The typed values that flow between the stages: findings, links, link results, the run result.

Credentials never get past here: every URL a link is known by (LinkRef, LinkEntry, LinkResult: URL, final
URL, redirects) is the redacted form (urls.redact: `user:***@`), and every message, reason or warning has
the user information of the URLs it quotes masked (urls.redact_text), whoever builds the value (extraction,
the checker from a Location header, the cache, a report read back): no output or cache entry can hold them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from .status import CacheClass, LinkStatus, Severity, StatusFacts
from .urls import redact, redact_text

# The verdict vocabulary lives in status.py; it is imported from here too, with the values that carry it.
__all__ = [
    "ArchivedCopy", "CacheClass", "Finding", "ImageSpec", "KindVerdict", "LinkEntry", "LinkKind", "LinkRef",
    "LinkResult", "LinkStatus", "Occurrence", "Progress", "RunResult", "Severity", "StatusFacts",
]


class LinkKind(enum.StrEnum):
    PAGE = "page"
    AMP = "amp"
    AMP_CACHE = "amp-cache"
    IMAGE = "image"
    EMBED = "embed"


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", redact_text(self.message))

    def sort_key(self) -> tuple[str, int, str, str, str]:
        return (self.file, self.line or 0, self.pointer, self.rule, self.message)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """Where a URL stands: file, JSON pointer of the field, line and column (1-based) where its value starts, and
    what the field uses it as (the kind follows from the pointer, so it is not part of the identity; None: the
    kind of the link it belongs to)."""

    file: str
    pointer: str
    line: int | None
    column: int | None = None
    kind: LinkKind | None = field(default=None, compare=False)


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", redact(self.url))
        if self.canonical_candidates:
            object.__setattr__(self, "canonical_candidates", tuple(map(redact, self.canonical_candidates)))


@dataclass(frozen=True, slots=True)
class ArchivedCopy:
    """A web archive's snapshot of a link: the suggestion for a dead or soft-dead one."""

    url: str
    timestamp: str  # when the snapshot was taken (RFC 3339)


@dataclass(frozen=True, slots=True)
class KindVerdict:
    """The verdict of one kind's check on a URL (a URL used as a page and as an image gets two)."""

    kind: LinkKind
    status: LinkStatus
    reason: str
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if "@" in "".join((self.reason, *self.warnings)):
            object.__setattr__(self, "reason", redact_text(self.reason))
            object.__setattr__(self, "warnings", tuple(map(redact_text, self.warnings)))


@dataclass(frozen=True, slots=True)
class LinkResult:
    """The verdict on one distinct URL: the most urgent of its kinds' verdicts (`kind` says whose). `kinds`: each
    kind's, when it is used as several (one fetch answers for all); else empty. `warnings`: every kind's."""

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
    kinds: tuple[KindVerdict, ...] = ()

    def per_kind(self) -> tuple[KindVerdict, ...]:
        return self.kinds or (KindVerdict(self.kind, self.status, self.reason, self.warnings),)

    def verdict_for(self, kind: LinkKind) -> KindVerdict:
        """One kind's verdict (the result's own when that kind was not checked on its own)."""
        own = KindVerdict(kind, self.status, self.reason, self.warnings)
        return next((v for v in self.kinds if v.kind is kind), own)

    def contradiction(self) -> str | None:
        """What is wrong when the per-kind verdicts do not add up to the result (a report or cache row from
        elsewhere): at least two distinct kinds, the result the most urgent of them. None when they add up."""
        if not self.kinds:
            return None
        if len(self.kinds) < 2 or len({v.kind for v in self.kinds}) < len(self.kinds):
            return "kinds must name two or more different kinds"
        most = min(v.status.urgency for v in self.kinds)
        if self.status.urgency != most or KindVerdict(self.kind, self.status, self.reason) not in [
                KindVerdict(v.kind, v.status, v.reason) for v in self.kinds]:
            return f"status {self.status} ({self.kind}) is not the most urgent of its kinds' verdicts"
        return None

    def __post_init__(self) -> None:
        if "@" not in "".join((self.url, self.final_url or "", self.reason, *self.redirects, *self.warnings)):
            return  # nothing to redact (nearly always): no call per field
        object.__setattr__(self, "url", redact(self.url))
        if self.final_url is not None:
            object.__setattr__(self, "final_url", redact(self.final_url))
        object.__setattr__(self, "redirects", tuple(map(redact, self.redirects)))
        object.__setattr__(self, "reason", redact_text(self.reason))
        object.__setattr__(self, "warnings", tuple(map(redact_text, self.warnings)))


@dataclass(slots=True)
class LinkEntry:
    """A distinct URL with every place it occurs and, once checked, its result; `kind`: the kind first found,
    `kinds`: every kind it is used as, in the order found."""

    url: str
    kind: LinkKind
    occurrences: list[Occurrence] = field(default_factory=list)
    canonical_candidates: set[str] = field(default_factory=set)
    image: ImageSpec | None = None
    result: LinkResult | None = None
    archived: ArchivedCopy | None = None

    def __post_init__(self) -> None:
        self.url = redact(self.url)
        self.canonical_candidates = set(map(redact, self.canonical_candidates))

    @property
    def kinds(self) -> tuple[LinkKind, ...]:
        return tuple(dict.fromkeys((self.kind, *(o.kind for o in self.occurrences if o.kind is not None))))

    def kind_of(self, occurrence: Occurrence) -> LinkKind:
        return occurrence.kind or self.kind

    def verdict_at(self, occurrence: Occurrence) -> KindVerdict:
        """The verdict an occurrence bears: that of the kind it uses the URL as."""
        assert self.result is not None, "only a checked link has verdicts"
        return self.result.verdict_for(self.kind_of(occurrence))

    def places(self) -> list[tuple[Occurrence, KindVerdict]]:
        """Each occurrence with its verdict (verdict_at), the most urgent first (else in the order found):
        where a URL used as several kinds fails leads."""
        return sorted(((o, self.verdict_at(o)) for o in self.occurrences), key=lambda pair: pair[1].status.urgency)


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a stage is: the link stage (distinct URLs done of total, broken so far) or the file stage
    (files checked, those with findings; total 0 while the walk goes on), seconds since it started."""

    done: int
    total: int
    broken: int
    elapsed: float
    stage: str = "links"  # or "files"


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
    shard: tuple[int, int] | None = None  # (index, total) of a --shard K/N run
    interrupted: bool = False  # Ctrl-C or SIGTERM stopped the run
    # With --baseline: the accepted (file, pointer, rule, url) entries (problems.key_of), and the baseline's path.
    baseline_keys: frozenset[tuple[str, str, str, str]] | None = None
    baseline_file: str | None = None
    findings: list[Finding] = field(default_factory=list)
    links: dict[str, LinkEntry] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def links_checked(self) -> bool:
        """False for an --offline run: no link was fetched (not: there were none)."""
        return not self.options.get("offline", False)

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
