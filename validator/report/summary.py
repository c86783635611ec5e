"""The one set of counts every output shows: computed once per run from the run and its problems.

Every report labels what it counts with the words below (LABELS), so a number means the same thing in the
console, report.json, report.md, report.html, JUnit and SARIF:

- structure findings: findings (schema, YAML, domain rules) by severity, baselined ones included;
- link problems: occurrences of links whose status counts against CI (rule link/<status>) and of link
  warnings (rule link/warning), by severity and by status;
- links by status: distinct URLs checked, by status;
- problems: structure findings and link problems together, by severity and by rule;
- baselined: problems the baseline accepts (they never fail a run); failing: problems at or above
  --fail-on that the baseline does not accept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..models import LinkStatus, RunResult, Severity
from ..problems import LINK_WARNING_RULE, Problem, fails

FINDINGS, LINK_PROBLEMS, LINKS, PROBLEMS = "structure findings", "link problems", "links by status", "problems"
# The statuses a link problem can have: those with a severity, most urgent first.
PROBLEM_STATUSES = tuple(status for status in LinkStatus.by_urgency() if status.severity is not None)


@dataclass(frozen=True, slots=True)
class Summary:
    files: int
    records: int
    links_checked: bool  # false for an --offline run
    links: int  # distinct URLs with a verdict
    links_by_status: Mapping[LinkStatus, int]  # every status, most urgent first
    findings: Mapping[Severity, int]  # structure findings
    link_problems: Mapping[Severity, int]
    link_problems_by_status: Mapping[LinkStatus, int]  # PROBLEM_STATUSES
    link_warnings: int  # link problems of rule link/warning (remarks on links of any status)
    problems_by_rule: tuple[tuple[str, int], ...]  # most frequent first, then by rule id
    baselined: int
    baselined_by_severity: Mapping[Severity, int]
    failing_findings: int  # structure findings at or above --fail-on, not baselined
    failing_link_problems: int

    @classmethod
    def of(cls, result: RunResult, items: Iterable[Problem], fail_on: Severity | None = Severity.ERROR,
           ) -> Summary:
        findings = dict.fromkeys(Severity, 0)
        link_problems = dict.fromkeys(Severity, 0)
        by_status = dict.fromkeys(PROBLEM_STATUSES, 0)
        baselined = dict.fromkeys(Severity, 0)
        rules: Counter[str] = Counter()
        link_warnings = failing_findings = failing_links = 0
        for p in items:
            rules[p.rule] += 1
            failing = fails(p, fail_on)
            if p.baselined:
                baselined[p.severity] += 1
            if not p.url:
                findings[p.severity] += 1
                failing_findings += failing
                continue
            link_problems[p.severity] += 1
            failing_links += failing
            if p.rule == LINK_WARNING_RULE:
                link_warnings += 1
            else:
                by_status[LinkStatus(p.rule.removeprefix("link/"))] += 1
        links = dict.fromkeys(LinkStatus.by_urgency(), 0)
        for entry in result.links.values():
            if entry.result is not None:
                links[entry.result.status] += 1
        return cls(
            files=result.files, records=result.records, links_checked=result.links_checked,
            links=sum(links.values()), links_by_status=links, findings=findings, link_problems=link_problems,
            link_problems_by_status=by_status, link_warnings=link_warnings,
            problems_by_rule=tuple(sorted(rules.items(), key=lambda item: (-item[1], item[0]))),
            baselined=sum(baselined.values()), baselined_by_severity=baselined,
            failing_findings=failing_findings, failing_link_problems=failing_links)

    @property
    def problems(self) -> dict[Severity, int]:
        """Structure findings and link problems together, by severity."""
        return {severity: self.findings[severity] + self.link_problems[severity] for severity in Severity}

    @property
    def failing(self) -> int:
        return self.failing_findings + self.failing_link_problems

    def shown(self, severity: Severity) -> int:
        """Problems of a severity that the baseline does not accept (the console prints these)."""
        return self.problems[severity] - self.baselined_by_severity[severity]

    def rows(self, *, every: bool = False, by_status: str = f"{LINK_PROBLEMS} by status") -> list[tuple[str, int]]:
        """The counts as labelled rows (report.md's table, JUnit's properties); every=False leaves out the
        statuses, link warnings and baselined problems that are 0. by_status: the label of the link problems
        by status (JUnit keeps the contract's `link problems: dead`; the table says `by status`, as it reads
        beside `link problems: errors`)."""
        rows = [("files", self.files), ("records", self.records)]
        rows += [(f"{FINDINGS}: {s.value}s", self.findings[s]) for s in Severity]
        if self.links_checked:
            rows += [(f"{LINK_PROBLEMS}: {s.value}s", self.link_problems[s]) for s in Severity]
            rows += [(f"{by_status}: {status}", n) for status, n in self.link_problems_by_status.items() if n or every]
            rows += [(f"{LINK_PROBLEMS}: link warnings", self.link_warnings)] if self.link_warnings or every else []
            rows.append(("links", self.links))
            rows += [(f"{LINKS}: {status}", n) for status, n in self.links_by_status.items() if n or every]
        return rows + ([("baselined problems", self.baselined)] if self.baselined or every else [])

    def document(self) -> dict[str, Any]:
        """The additions to report.json's summary (the contract: docs/report-contract.md)."""
        return {
            "problems": _by_severity(self.problems),
            "link_problems": _by_severity(self.link_problems),
            "link_problems_by_status": {status.value: n for status, n in self.link_problems_by_status.items()},
            "link_warnings": self.link_warnings,
            "problems_by_rule": dict(self.problems_by_rule),
            "baselined": self.baselined,
        }


def _by_severity(counts: Mapping[Severity, int]) -> dict[str, int]:
    return {severity.value: counts[severity] for severity in Severity}


def plural(n: int, noun: str) -> str:
    """'1 error(s)', '2 error(s)': how every text output says a count."""
    return f"{n} {noun}(s)"
