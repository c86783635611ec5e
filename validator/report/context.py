"""What every renderer reads: the run, its problems and their counts (computed once per run) and how reports
are written."""

from __future__ import annotations

from dataclasses import dataclass

from ..fix.model import FixReport
from ..models import RunResult, Severity
from ..problems import Problem, problems
from .diff import ReportDiff
from .locations import SourceRoot
from .summary import Summary


@dataclass(frozen=True, slots=True)
class ReportInput:
    result: RunResult
    problems: tuple[Problem, ...]
    summary: Summary  # the counts every output shows (summary.py)
    fail_on: Severity | None = Severity.ERROR  # junit: which problems fail a file's testcase
    since: ReportDiff | None = None  # with --previous: what changed since that run
    # What file links start with: --link-base (an absolute URL), or, left empty, the way from the report's
    # folder back to the files (set by the writer).
    link_base: str = ""
    source: SourceRoot | None = None  # SARIF and Code Quality paths are from here (None: the working directory)
    fixes: FixReport | None = None  # with check: what fixing offered, or did (--fix/--diff)
    written: tuple[str, ...] = ()  # the file names of the reports this run writes (set by the writer)

    @classmethod
    def of(cls, result: RunResult, *, fail_on: Severity | None = Severity.ERROR, since: ReportDiff | None = None,
           link_base: str = "", source: SourceRoot | None = None, fixes: FixReport | None = None) -> ReportInput:
        """The input for a run's reports, its problems and their counts computed here, once (after any fixing)."""
        items = tuple(problems(result))
        return cls(result, items, Summary.of(result, items, fail_on), fail_on, since, link_base, source, fixes)
