"""load → extract → validate/check → RunResult. Wires the stages; prints nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .clock import Clock, rfc3339, utc_now
from .config import Settings
from .extract import extract_links
from .interrupt import Interruption
from .load import load_file
from .models import Finding, LinkEntry, LinkRef, Progress, RunResult, Severity
from .seedfiles import Skip
from .shard import Shard
from .text import bounded
from .tree import Tree, display_path
from .urls import host_of, normalise
from .validate.duplicates import DuplicateArticles, article_urls, scan_article_urls
from .validate.record import RecordValidator
from .validate.rules import RuleContext
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
    validator = RecordValidator(schema, RuleContext(
        now=started, future_tolerance=timedelta(hours=settings.future_tolerance_hours)))
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
        for path in seed_files(settings, scope.skip_dirs, tree=tree, look=False):
            file = display_path(path)
            try:
                duplicates.remember(file, scan_article_urls(path, max_bytes=settings.max_file_size, tree=tree))
            except Exception as exc:  # a file this run does not check never stops it
                result.notes.append(f"{internal_error(file, exc).message} (while indexing {file})")
    for path in scope.files if scope.files is not None else seed_files(settings, scope.skip_dirs, tree=tree):
        if interruption is not None and interruption.requested:
            break
        file = display_path(path)
        owned = shard is None or shard.owns(file)
        if owned:
            result.files += 1
            result.checked_files.append(file)
        try:
            if owned:
                _check_file(result, settings, path, file, validator=validator, duplicates=duplicates,
                            shard=shard, tree=tree)
            else:
                _index_other_shard(result, settings, path, file, duplicates=duplicates, shard=shard, tree=tree)
        except Exception as exc:  # the last line of defence: one file never stops the run
            result.findings.append(internal_error(file, exc))
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


def _check_file(result: RunResult, settings: Settings, path: Path, file: str, *, validator: RecordValidator,
                duplicates: DuplicateArticles, shard: Shard | None, tree: Tree) -> None:
    loaded = load_file(path, max_bytes=settings.max_file_size, file=file, tree=tree)
    result.findings.extend(loaded.findings)
    if loaded.record is None:
        return
    result.records += 1
    _note_year(result, file, loaded.record.get("publishedDateTime"))
    result.findings.extend(validator.validate(loaded.record, file, loaded.source))
    result.findings.extend(duplicates.add(file, loaded.record, loaded.source))
    if not settings.offline:
        add_links(result, extract_links(loaded.record, file, loaded.source), shard)


def internal_error(file: str, exc: Exception) -> Finding:
    """An unexpected exception while checking a file, as that file's finding (a bug to report, not a crash)."""
    return Finding(file, None, None, "", "internal/error", Severity.ERROR,
                   f"internal error, the file was not fully checked: {type(exc).__name__}: {bounded(str(exc), 200)}")


def seed_files(settings: Settings, skip_dirs: tuple[Path, ...] = (), *, tree: Tree | None = None,
               look: bool = True, skipped: Counter[Skip] | None = None) -> Iterator[Path]:
    """The seed files under settings.paths: what the walk of the working tree finds, less what
    seedfiles.FileFilter says is no seed (look=False: the exclude globs alone, for files only indexed,
    which costs no read)."""
    walker = tree if tree is not None else Tree.working(follow_symlinks=settings.follow_symlinks)
    found = walker.walk(settings.paths, skip=skip_dirs)
    return settings.file_filter().found(found, settings.paths, skipped, look=look)


def _note_year(result: RunResult, file: str, published: object) -> None:
    if isinstance(published, str) and published[:4].isdigit():
        result.published_years[file] = int(published[:4])


def _index_other_shard(result: RunResult, settings: Settings, path: Path, file: str, *,
                       duplicates: DuplicateArticles, shard: Shard | None, tree: Tree) -> None:
    """A file another shard validates: it still counts for duplicates, and its links on our hosts are ours."""
    if settings.offline:
        duplicates.remember(file, scan_article_urls(path, max_bytes=settings.max_file_size, tree=tree))
        return
    loaded = load_file(path, max_bytes=settings.max_file_size, file=file, tree=tree)
    if loaded.record is not None:
        _note_year(result, file, loaded.record.get("publishedDateTime"))
        duplicates.remember(file, article_urls(loaded.record))
        add_links(result, extract_links(loaded.record, file, loaded.source), shard)


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
