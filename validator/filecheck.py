"""One file's part of a run (load → validate → extract), the same whether it runs here or in a worker process.

What a file contributes comes back as a small picklable FileOutcome; the run folds the outcomes in file
order (pipeline.py), which is where the corpus-wide rule (duplicate articles) sees every file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .extract import extract_links
from .load import load_file
from .models import Finding, LinkRef, Severity
from .text import bounded
from .tree import Tree
from .validate.duplicates import ArticleRef, article_refs, article_urls, scan_article_urls
from .validate.record import RecordValidator
from .validate.rules import RuleContext


@dataclass(frozen=True, slots=True)
class FileJob:
    """What checking any file needs; the same for every file of a run (sent once to each worker)."""

    schema: dict[str, Any]
    now: datetime
    future_tolerance: timedelta
    max_file_size: int
    offline: bool
    tree: Tree  # the run's reading boundary (tree.py)


@dataclass(frozen=True, slots=True)
class FileTask:
    path: Path
    file: str          # as reports show it
    own: bool = True   # False: another shard validates it; this run only indexes it (duplicates, links)


@dataclass(frozen=True, slots=True)
class FileOutcome:
    path: Path
    file: str
    own: bool
    findings: tuple[Finding, ...] = ()
    record: bool = False                          # the file loaded to a record
    year: int | None = None                       # of publishedDateTime
    articles: tuple[ArticleRef, ...] = ()         # the main article's URLs: the duplicate rule's input
    links: tuple[LinkRef, ...] = ()               # unless offline


class FileChecker:
    """Checks files one by one with validators built once (per process)."""

    def __init__(self, job: FileJob) -> None:
        self._job = job
        self._validator = RecordValidator(job.schema, RuleContext(now=job.now, future_tolerance=job.future_tolerance))

    def __call__(self, task: FileTask) -> FileOutcome:
        try:
            return self.check(task) if task.own else self.index(task)
        except Exception as exc:  # the last line of defence: one file never stops the run
            return FileOutcome(task.path, task.file, task.own, findings=(internal_error(task.file, exc),))

    def check(self, task: FileTask) -> FileOutcome:
        # Checking links asks where each link is: the node tree is wanted for every file then.
        loaded = load_file(task.path, max_bytes=self._job.max_file_size, file=task.file, tree=self._job.tree,
                           every_position=not self._job.offline)
        if loaded.record is None:
            return FileOutcome(task.path, task.file, own=True, findings=tuple(loaded.findings))
        findings = list(loaded.findings)
        try:
            findings.extend(self._validator.validate(loaded.record, task.file, loaded.source))
            links = () if self._job.offline else tuple(extract_links(loaded.record, task.file, loaded.source))
            refs = article_refs(loaded.record, loaded.source)
        except Exception as exc:  # a record that broke a rule: still a record, with what was found before
            findings.append(internal_error(task.file, exc))
            return FileOutcome(task.path, task.file, True, tuple(findings), True, year_of(loaded.record))
        return FileOutcome(task.path, task.file, True, tuple(findings), True, year_of(loaded.record), refs, links)

    def index(self, task: FileTask) -> FileOutcome:
        """A file another shard validates: its article URLs (and, checking links, its links and year)."""
        if self._job.offline:
            urls = scan_article_urls(task.path, max_bytes=self._job.max_file_size, tree=self._job.tree)
            return FileOutcome(task.path, task.file, own=False, articles=tuple(("", url, None, None) for url in urls))
        loaded = load_file(task.path, max_bytes=self._job.max_file_size, file=task.file, tree=self._job.tree,
                           every_position=True)
        if loaded.record is None:
            return FileOutcome(task.path, task.file, own=False)
        return FileOutcome(task.path, task.file, False, year=year_of(loaded.record),
                           articles=tuple(("", url, None, None) for url in article_urls(loaded.record)),
                           links=tuple(extract_links(loaded.record, task.file, loaded.source)))


def internal_error(file: str, exc: BaseException, why: str | None = None) -> Finding:
    """An unexpected exception while checking a file, as that file's finding (a bug to report, not a crash);
    `why`, when given, says what happened instead of the exception's own text."""
    return Finding(file, None, None, "", "internal/error", Severity.ERROR, why or
                   f"internal error, the file was not fully checked: {type(exc).__name__}: {bounded(str(exc), 200)}")


def year_of(record: dict[str, Any]) -> int | None:
    published = record.get("publishedDateTime")
    return int(published[:4]) if isinstance(published, str) and published[:4].isdigit() else None
