"""load → extract → validate/check → RunResult. Wires the stages; prints nothing."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .clock import Clock, rfc3339, utc_now
from .config import Settings
from .filecheck import FileJob, FileOutcome, FileTask, internal_error
from .files import cache_file
from .interrupt import Interruption
from .models import LinkEntry, LinkRef, Progress, RunResult
from .parallel import check_files, default_jobs
from .seedfiles import Skip
from .shard import Shard
from .tree import Tree, display_path
from .urls import host_of, normalise
from .validate.article_index import ArticleIndex, index_file
from .validate.duplicates import DuplicateArticles
from .validate.schema import load_schema

if TYPE_CHECKING:
    from .check import LinkChecker


@dataclass(frozen=True, slots=True)
class Scope:
    """What a run covers: every file under settings.paths, or only some (with the rest as corpus), or a shard."""

    files: tuple[Path, ...] | None = None
    shard: Shard | None = None
    skip_dirs: tuple[Path, ...] = ()  # never seed folders: the reports a run writes
    tree: Tree | None = None  # what the run may read; by default the working tree (settings.follow_symlinks)


def run(settings: Settings, *, scope: Scope = Scope(), clock: Clock = utc_now,
        checker: LinkChecker | None = None,
        progress: Callable[[Progress], None] | None = None,
        interruption: Interruption | None = None) -> RunResult:
    """Validate (and unless offline, link-check) the seed files in scope. Prints nothing.

    `checker` gives the links their verdicts; by default the httpx engine of check/ (check.runner.HttpChecker).
    """
    schema, _ = load_schema(settings.schema_path)
    started = clock()
    result = RunResult(tool_version=__version__, started_at=rfc3339(started),
                       options=settings.verdict_options())
    shard = scope.shard
    if shard is not None:
        result.shard = (shard.index, shard.total)
        result.complete = False  # one shard is never the whole report; `merge` makes it whole
    duplicates = DuplicateArticles()
    tree = scope.tree if scope.tree is not None else Tree.working(follow_symlinks=settings.follow_symlinks)
    if scope.files is not None:
        # Only these files are checked, but corpus-wide rules still compare each with every other file of
        # the corpus (the chosen ones included): the result for a file does not depend on what else is chosen.
        _remember_corpus(result, duplicates, settings, seed_files(settings, scope.skip_dirs, tree=tree, look=False),
                         tree)
    paths = scope.files if scope.files is not None else seed_files(settings, scope.skip_dirs, tree=tree)
    job = FileJob(schema, started, timedelta(hours=settings.future_tolerance_hours), settings.max_file_size,
                  settings.offline, tree)
    outcomes = check_files(_tasks(paths, shard), job, settings.jobs or default_jobs())
    files = _FileProgress(progress)
    try:
        for outcome in outcomes:
            if interruption is not None and interruption.requested:
                break
            _fold(result, outcome, duplicates, shard)
            files.add(result, outcome)
    finally:
        outcomes.close()  # a stopped run: the workers stop too
    files.done(result)
    if not settings.offline and not (interruption is not None and interruption.requested):
        if checker is None:
            # Imported here: an --offline run (the CI fast path) does not pay for loading the network stack.
            from .check.runner import HttpChecker  # noqa: PLC0415

            checker = HttpChecker()
        checker.check(result, settings, clock=clock, progress=progress, interruption=interruption)
    if interruption is not None and interruption.requested:
        result.complete = False
        result.interrupted = True
    result.finished_at = rfc3339(clock())
    return result


class _FileProgress:
    """The file stage's progress (files checked, those with findings): a long offline run is not silent."""

    def __init__(self, show: Callable[[Progress], None] | None) -> None:
        self._show, self._started, self._flagged = show, time.monotonic(), 0

    def add(self, result: RunResult, outcome: FileOutcome) -> None:
        if self._show is not None:
            self._flagged += bool(outcome.own and outcome.findings)
            self._show(Progress(result.files, 0, self._flagged, time.monotonic() - self._started, "files"))

    def done(self, result: RunResult) -> None:
        if self._show is not None and result.files:
            elapsed = time.monotonic() - self._started
            self._show(Progress(result.files, result.files, self._flagged, elapsed, "files"))


def _remember_corpus(result: RunResult, duplicates: DuplicateArticles, settings: Settings, corpus: Iterable[Path],
                     tree: Tree) -> None:
    """Register every file of the corpus with the duplicate rule, through the article index kept beside the
    link cache (validate/article_index.py; --no-cache: every file read)."""
    index = ArticleIndex(index_file(cache_file(settings.cache.path) if settings.cache.enabled else None),
                         max_bytes=settings.max_file_size, create=not settings.offline)
    paths = list(corpus)
    for path, found in zip(paths, index.identities(paths, tree, roots=settings.paths), strict=True):
        file = display_path(path)
        if isinstance(found, Exception):  # a file this run does not check never stops it
            result.notes.append(f"{internal_error(file, found).message} (while indexing {file})")
        else:
            duplicates.remember_identities(file, found)
    index.save()
    result.notes.extend(index.notes)


def _tasks(paths: Iterable[Path], shard: Shard | None) -> Iterator[FileTask]:
    for path in paths:
        file = display_path(path)
        yield FileTask(path, file, own=shard is None or shard.owns(file))


def _fold(result: RunResult, outcome: FileOutcome, duplicates: DuplicateArticles, shard: Shard | None) -> None:
    """Add one file's outcome to the run, in file order: the duplicate rule sees the files as they come."""
    file = outcome.file
    if outcome.own:
        result.files += 1
        result.checked_files.append(file)
    result.findings.extend(outcome.findings)
    if outcome.year is not None:
        result.published_years[file] = outcome.year
    if not outcome.own:  # another shard validates it: it still counts for duplicates, its links on our hosts
        duplicates.remember(file, [url for _, url, _, _ in outcome.articles])
    elif outcome.record:
        result.records += 1
        result.findings.extend(duplicates.add_found(file, outcome.articles))
    add_links(result, outcome.links, shard)


def seed_files(settings: Settings, skip_dirs: tuple[Path, ...] = (), *, tree: Tree | None = None,
               look: bool = True, skipped: Counter[Skip] | None = None) -> Iterator[Path]:
    """The seed files under settings.paths: what the walk of the working tree finds, less what
    seedfiles.FileFilter says is no seed (look=False: the exclude globs alone, for files only indexed,
    which costs no read)."""
    walker = tree if tree is not None else Tree.working(follow_symlinks=settings.follow_symlinks)
    found = walker.walk(settings.paths, skip=skip_dirs)
    return settings.file_filter().found(found, settings.paths, skipped, look=look)


def add_links(result: RunResult, refs: Iterable[LinkRef], shard: Shard | None = None) -> None:
    """Fold link occurrences into one entry per distinct (normalised) URL: each is fetched once, and each
    kind it is used as (page, image, AMP...) is checked on that one answer.

    A shard keeps only the links whose host it owns.
    """
    for ref in refs:
        if shard is not None and not shard.owns(host_of(ref.url) or ""):
            continue
        key = normalise(ref.url)
        entry = result.links.get(key)
        if entry is None:
            entry = result.links[key] = LinkEntry(ref.url, ref.kind, image=ref.image)
        elif entry.image is None:
            entry.image = ref.image  # first used as a page, then as an image: the image's declared size
        entry.occurrences.append(ref.occurrence)
        entry.canonical_candidates.update(ref.canonical_candidates)
