"""One view over findings and broken links, for the renderers that list problems by file."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from ..catalog import LINK_WARNING_RULE, link_rule_id
from ..models import Finding, RunResult, Severity


@dataclass(frozen=True, slots=True)
class Problem(Finding):
    """A finding, or one occurrence of a link whose status counts (then with its URL)."""

    url: str = ""
    baselined: bool = False


def problems(result: RunResult) -> list[Problem]:
    """Every finding, and every occurrence of a link whose status counts against CI, sorted;
    those in the run's baseline are marked."""
    items = [Problem(f.file, f.line, f.column, f.pointer, f.rule, f.severity, f.message) for f in result.findings]
    for entry in result.links.values():
        outcome = entry.result
        if outcome is None:
            continue
        severity = outcome.status.severity
        notes = [(link_rule_id(outcome.status), severity, f"{entry.kind} link {outcome.status}: {entry.url} "
                  f"({outcome.reason})")] if severity is not None else []
        notes += [(LINK_WARNING_RULE, Severity.WARNING, f"{entry.kind} link {entry.url}: {w}")
                  for w in outcome.warnings]
        for rule, level, message in notes:
            items.extend(Problem(o.file, o.line, None, o.pointer, rule, level, message, entry.url)
                         for o in entry.occurrences)
    accepted = result.baseline_keys
    if accepted:
        items = [dataclasses.replace(p, baselined=True) if (p.file, p.pointer, p.rule, p.url) in accepted else p
                 for p in items]
    return sorted(items, key=Problem.sort_key)


def at_or_above(items: Iterable[Problem], threshold: Severity | None) -> list[Problem]:
    """The problems that fail the run under --fail-on (None: never fail); baselined ones never do."""
    if threshold is None:
        return []
    return [p for p in items if p.severity.rank >= threshold.rank and not p.baselined]
