"""The verdict vocabulary: severities, and the closed set of link statuses with everything that depends on a
status in one table (_FACTS). Re-exported from models, where the values that carry them live."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        return 2 if self is Severity.ERROR else 1


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
                                    "the server refused the checker (bot wall, 401/403/429) or hides every article "
                                    "behind one page (consent or pay wall, login): not known dead"),
    LinkStatus.REDIRECTED: StatusFacts(Severity.WARNING, False, CacheClass.GOOD, 5,
                                       "the link is reachable only through a permanent redirect: update it to "
                                       "the final URL"),
    LinkStatus.SKIPPED: StatusFacts(None, False, CacheClass.NEVER, 6,
                                    "not checked: excluded by configuration, not http(s), or a non-public "
                                    "address", checked=False),
    LinkStatus.OK: StatusFacts(None, False, CacheClass.GOOD, 7,
                               "2xx, directly or through temporary redirects"),
}
