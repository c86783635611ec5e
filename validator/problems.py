"""Problems: one view over findings and the link occurrences whose status counts, and baseline matching.

Below the reports (every renderer reads these) and the baseline file (which stores their keys); it imports
neither. A problem's identity across runs is key_of: (file, pointer, rule, url), no line (lines drift with
every edit above them) and no message (some name the time of the run).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .models import Finding, KindVerdict, Occurrence, RunResult, Severity
from .urls import redact

LINK_WARNING_RULE = "link/warning"
Key = tuple[str, str, str, str]


@dataclass(frozen=True, slots=True)
class Problem(Finding):
    """A finding, or one occurrence of a link whose status (that of the kind the occurrence uses it as) counts
    or that has warnings (then with its URL)."""

    url: str = ""
    baselined: bool = False
    # Where the problem comes from: the finding itself, or the occurrence of the link (see mark_of).
    origin: Finding | Occurrence | None = dataclasses.field(default=None, compare=False, repr=False)


Mark = tuple[str, str, Finding | Occurrence | None]


def key_of(item: Finding) -> Key:
    """The identity of a problem (or of a finding) across runs: what a baseline stores and matches, and how
    `diff` pairs findings of two runs."""
    return (item.file, item.pointer, item.rule, item.url if isinstance(item, Problem) else "")


def entry_of(key: Key) -> dict[str, str]:
    """A key as the baseline file and the JSON report write it (no url for a finding)."""
    file, pointer, rule, url = key
    return {"file": file, "pointer": pointer, "rule": rule, **({"url": url} if url else {})}


def key_from_entry(entry: Mapping[str, Any]) -> Key:
    """The key of an entry written by entry_of (its URL redacted, as every URL a run knows is); KeyError or
    TypeError when it is not one."""
    key = (entry["file"], entry["pointer"], entry["rule"], entry.get("url", ""))
    if not all(isinstance(part, str) for part in key):
        raise TypeError("file, pointer, rule and url must be strings")
    return key[0], key[1], key[2], redact(key[3])


def problems(result: RunResult) -> list[Problem]:
    """Every finding, and every occurrence of a link whose status counts against CI (and of each link
    warning), sorted; those the run's baseline accepts are marked."""
    items = [Problem(f.file, f.line, f.column, f.pointer, f.rule, f.severity, f.message, origin=f)
             for f in result.findings]
    for entry in result.links.values():
        if entry.result is None:
            continue
        for o in entry.occurrences:
            items.extend(_link_problems(entry.url, o, entry.verdict_at(o)))
    accepted = result.baseline_keys
    if accepted:
        items = [dataclasses.replace(p, baselined=True) if key_of(p) in accepted else p for p in items]
    return sorted(items, key=Problem.sort_key)


def fails(problem: Problem, threshold: Severity | None) -> bool:
    """Whether a problem fails the run under --fail-on (None: nothing fails); a baselined one never does."""
    return threshold is not None and problem.severity.rank >= threshold.rank and not problem.baselined


def _link_problems(url: str, o: Occurrence, verdict: KindVerdict) -> Iterator[Problem]:
    """The problems of one occurrence of a link: its kind's verdict when that counts, and its kind's warnings."""
    severity = verdict.status.severity
    if severity is not None:
        message = f"{verdict.kind} link {verdict.status}: {url} ({verdict.reason})"
        yield Problem(o.file, o.line, o.column, o.pointer, verdict.status.rule_id, severity, message, url, origin=o)
    for warning in verdict.warnings:
        yield Problem(o.file, o.line, o.column, o.pointer, LINK_WARNING_RULE, Severity.WARNING,
                      f"{verdict.kind} link {url}: {warning}", url, origin=o)


def at_or_above(items: Iterable[Problem], threshold: Severity | None) -> list[Problem]:
    """The problems that fail the run under --fail-on."""
    return [p for p in items if fails(p, threshold)]


def mark_of(problem: Problem) -> Mark:
    """How the JSON report marks a problem: (rule, url, the finding or the link occurrence it comes from)."""
    return (problem.rule, problem.url, problem.origin)


def baselined_marks(items: Iterable[Problem]) -> frozenset[Mark]:
    """The marks of the problems the baseline accepts: what the JSON report flags `baselined`."""
    return frozenset(mark_of(p) for p in items if p.baselined)


def accepted_keys(result: RunResult, marks: frozenset[Mark]) -> frozenset[Key]:
    """The keys of the run's problems that carry one of these marks (a report's flags read back)."""
    return frozenset(key_of(p) for p in problems(result) if mark_of(p) in marks)


def fixed(accepted: frozenset[Key], items: Iterable[Problem], checked_files: Iterable[str]) -> list[Key]:
    """Baselined entries of the files this run checked that no longer occur: the baseline can lose them."""
    present = {key_of(p) for p in items}
    checked = set(checked_files)
    return sorted(k for k in accepted if k[0] in checked and k not in present)

