"""load → extract → validate/check → RunResult. Wires the stages; prints nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .clock import Clock, rfc3339, utc_now
from .config import Settings
from .filecheck import FileJob, FileOutcome, FileTask
from .interrupt import Interruption
from .load import discover, display_path, load_file
from .models import LinkEntry, LinkRef, Progress, RunResult
from .parallel import check_files, default_jobs
from .positions import SourceMap
from .shard import Shard
from .urls import host_of, normalise
from .validate.duplicates import DuplicateArticles, scan_article_urls
from .validate.schema import load_schema

if TYPE_CHECKING:
    import httpx
    import yaml


@dataclass(frozen=True, slots=True)
class Scope:
    """What a run covers: every file under settings.paths, or only some (with the rest as corpus), or a shard."""

    files: tuple[Path, ...] | None = None
    shard: Shard | None = None
    skip_dirs: tuple[Path, ...] = ()  # never seed folders: the reports a run writes


def run(settings: Settings, *, scope: Scope = Scope(), clock: Clock = utc_now,
        transport: httpx.AsyncBaseTransport | None = None,
        progress: Callable[[Progress], None] | None = None,
        interruption: Interruption | None = None) -> RunResult:
    """Validate (and unless offline, link-check) the seed files in scope. Prints nothing."""
    schema, _ = load_schema(settings.schema_path)
    started = clock()
    job = FileJob(schema, started, timedelta(hours=settings.future_tolerance_hours), settings.max_file_size,
                  settings.offline)
    result = RunResult(tool_version=__version__, started_at=rfc3339(started),
                       options=settings.verdict_options())
    shard = scope.shard
    if shard is not None:
        result.shard = (shard.index, shard.total)
        result.complete = False  # one shard is never the whole report; `merge` makes it whole
    duplicates = DuplicateArticles()
    if scope.files is not None:
        # Only these files are checked, but corpus-wide rules still compare them with every other file.
        chosen = {display_path(path) for path in scope.files}
        for path in discover(settings.paths, skip=scope.skip_dirs):
            file = display_path(path)
            if file not in chosen:
                duplicates.remember(file, scan_article_urls(path))
    paths = scope.files if scope.files is not None else discover(settings.paths, skip=scope.skip_dirs)
    outcomes = check_files(_tasks(paths, shard), job, settings.jobs or default_jobs())
    try:
        for outcome in outcomes:
            if interruption is not None and interruption.requested:
                break
            _fold(result, outcome, duplicates, settings, shard)
    finally:
        outcomes.close()  # a stopped run: the workers stop too
    if not settings.offline and not (interruption is not None and interruption.requested):
        # Imported here: an --offline run (the CI fast path) does not pay for loading the network stack.
        from .check.runner import check_links  # noqa: PLC0415

        check_links(result, settings, transport=transport, clock=clock, progress=progress,
                    interruption=interruption)
    if interruption is not None and interruption.requested:
        result.complete = False
        result.interrupted = interruption.signal
    result.finished_at = rfc3339(clock())
    return result


def _tasks(paths: Iterable[Path], shard: Shard | None) -> Iterator[FileTask]:
    for path in paths:
        file = display_path(path)
        yield FileTask(path, file, own=shard is None or shard.owns(file))


def _fold(result: RunResult, outcome: FileOutcome, duplicates: DuplicateArticles, settings: Settings,
          shard: Shard | None) -> None:
    """Add one file's outcome to the run, in file order: the duplicate rule sees the files as they come."""
    file = outcome.file
    if outcome.year is not None:
        result.published_years[file] = outcome.year
    if not outcome.own:  # another shard validates it: it still counts for duplicates, its links on our hosts
        duplicates.remember(file, [url for _, url in outcome.articles])
        add_links(result, outcome.links, shard)
        return
    result.files += 1
    result.checked_files.append(file)
    result.findings.extend(outcome.findings)
    if not outcome.record:
        return
    result.records += 1
    # Positions of a duplicate (rare) come from reading the file again: outcomes carry no node tree.
    source = SourceMap.deferred(lambda: _root_of(outcome.path, file, settings.max_file_size))
    result.findings.extend(duplicates.add(file, dict(outcome.articles), source))
    add_links(result, outcome.links, shard)


def _root_of(path: Path, file: str, max_bytes: int) -> yaml.Node | None:
    loaded = load_file(path, max_bytes=max_bytes, file=file)
    return loaded.source.root if loaded.source is not None else None


def add_links(result: RunResult, refs: Iterable[LinkRef], shard: Shard | None = None) -> None:
    """Fold link occurrences into one entry per distinct (normalised) URL: each is fetched once.

    A shard keeps only the links whose host it owns.
    """
    for ref in refs:
        if shard is not None and not shard.owns(host_of(ref.url) or ""):
            continue
        key = normalise(ref.url)
        entry = result.links.get(key)
        if entry is None:
            entry = result.links[key] = LinkEntry(ref.url, ref.kind, image=ref.image)
        entry.occurrences.append(ref.occurrence)
        entry.canonical_candidates.update(ref.canonical_candidates)
