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


class CacheClass(enum.Enum):
    """How long a verdict of a status may be reused from the link cache."""

    GOOD = "good"    # reachable: kept for cache max-age-good
    BAD = "bad"      # a definite problem: kept for cache max-age-bad (re-checked sooner)
    NEVER = "never"  # not a verdict about the link (transient, or not checked): never cached


@dataclass(frozen=True, slots=True)
class StatusFacts:
    """Everything that depends on a link status, in one row (see LinkStatus)."""

    severity: Severity | None  # how a link in this status counts against --fail-on; None: never fails
    broken: bool               # the record must change: the link is gone or not what it claims
    cache: CacheClass
    urgency: int               # display order, most urgent first
    meaning: str               # one line for people (reports, SARIF rules, help)
    checked: bool = True       # a verdict about the link; False: it was not checked at all


class LinkStatus(enum.StrEnum):
    """The closed link-status vocabulary. Every consumer asks a status about itself (is_broken,
    severity, cache, urgency, meaning) instead of keeping its own set: adding a status is this enum,
    its row in _FACTS, its classification, report.schema.json and the docs."""

    OK = "ok"
    REDIRECTED = "redirected"
    DEAD = "dead"
    SOFT_DEAD = "soft-dead"
    MISMATCH = "mismatch"
    BLOCKED = "blocked"
    ERROR = "error"
    SKIPPED = "skipped"

    @property
    def facts(self) -> StatusFacts:
        return _FACTS[self]

    @property
    def severity(self) -> Severity | None:
        """How a link in this status counts against --fail-on (report contract: 'fails CI by default')."""
        return _FACTS[self].severity

    @property
    def is_broken(self) -> bool:
        return _FACTS[self].broken

    @property
    def is_success(self) -> bool:
        """Reachable and what the record says (a permanent redirect still answers)."""
        return _FACTS[self].cache is CacheClass.GOOD

    @property
    def cache(self) -> CacheClass:
        return _FACTS[self].cache

    @property
    def urgency(self) -> int:
        return _FACTS[self].urgency

    @property
    def meaning(self) -> str:
        return _FACTS[self].meaning

    @property
    def is_checked(self) -> bool:
        """Whether the status is a verdict about the link (skipped: it was never looked at)."""
        return _FACTS[self].checked

    @property
    def label(self) -> str:
        return self.value

    @property
    def rule_id(self) -> str:
        """The rule id of the problem a link in this status is (link/<status>), for statuses that count."""
        return f"link/{self.value}"

    @classmethod
    def by_urgency(cls) -> list[LinkStatus]:
        """Every status, most urgent first: the order reports list them in."""
        return sorted(cls, key=lambda status: status.urgency)

    @classmethod
    def broken_statuses(cls) -> list[LinkStatus]:
        return [status for status in cls.by_urgency() if status.is_broken]


_FACTS: dict[LinkStatus, StatusFacts] = {
    LinkStatus.DEAD: StatusFacts(Severity.ERROR, True, CacheClass.BAD, 0,
                                 "the link is provably gone (404/410, unknown host, or a redirect to one)"),
    LinkStatus.SOFT_DEAD: StatusFacts(Severity.ERROR, True, CacheClass.BAD, 1,
                                      "a 'gone' page served as success (redirect to the home page, a 200 "
                                      "'not found' page, a catch-all section page)"),
    LinkStatus.MISMATCH: StatusFacts(Severity.ERROR, True, CacheClass.BAD, 2,
                                     "the link is reachable but does not serve what the record says"),
    LinkStatus.ERROR: StatusFacts(Severity.WARNING, False, CacheClass.NEVER, 3,
                                  "the link could not be verified (timeouts, resets, 5xx after retries, TLS)"),
    LinkStatus.BLOCKED: StatusFacts(Severity.WARNING, False, CacheClass.BAD, 4,
                                    "the server refused the checker (bot wall, 401/403/429): not known dead"),
    LinkStatus.REDIRECTED: StatusFacts(Severity.WARNING, False, CacheClass.GOOD, 5,
                                       "the link is reachable only through a permanent redirect: update it to "
                                       "the final URL"),
    LinkStatus.SKIPPED: StatusFacts(None, False, CacheClass.NEVER, 6,
                                    "not checked: excluded by configuration, not http(s), or a non-public "
                                    "address", checked=False),
    LinkStatus.OK: StatusFacts(None, False, CacheClass.GOOD, 7,
                               "2xx, directly or through temporary redirects"),
}


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
    """Where a URL stands: file, JSON pointer of the field, line, and what the field uses it as (the kind follows
    from the pointer, so it is not part of the identity; None: the kind of the link it belongs to)."""

    file: str
    pointer: str
    line: int | None
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


@dataclass(frozen=True, slots=True)
class KindVerdict:
    """The verdict of one kind's check on a URL (a URL used as a page and as an image gets two)."""

    kind: LinkKind
    status: LinkStatus
    reason: str
    warnings: tuple[str, ...] = ()


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

    @property
    def kinds(self) -> tuple[LinkKind, ...]:
        return tuple(dict.fromkeys((self.kind, *(o.kind for o in self.occurrences if o.kind is not None))))

    def kind_of(self, occurrence: Occurrence) -> LinkKind:
        return occurrence.kind or self.kind


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
