"""load → extract → validate/check → RunResult. Wires the stages; prints nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .clock import Clock, rfc3339, utc_now
from .config import Settings
from .extract import extract_links
from .load import discover, load_file
from .models import LinkEntry, LinkRef, Progress, RunResult
from .urls import normalise
from .validate.duplicates import DuplicateArticles
from .validate.record import RecordValidator
from .validate.rules import RuleContext
from .validate.schema import load_schema

if TYPE_CHECKING:
    import httpx


def run(settings: Settings, *, files: Iterable[Path] | None = None, clock: Clock = utc_now,
        transport: httpx.AsyncBaseTransport | None = None,
        progress: Callable[[Progress], None] | None = None) -> RunResult:
    """Validate (and unless offline, link-check) the seed files of settings.paths, or the given files."""
    schema, _ = load_schema(settings.schema_path)
    started = clock()
    validator = RecordValidator(schema, RuleContext(
        now=started, future_tolerance=timedelta(hours=settings.future_tolerance_hours)))
    result = RunResult(tool_version=__version__, started_at=rfc3339(started),
                       options=settings.verdict_options())
    duplicates = DuplicateArticles()
    for path in files if files is not None else discover(settings.paths):
        loaded = load_file(path, max_bytes=settings.max_file_size)
        result.files += 1
        result.checked_files.append(loaded.file)
        result.findings.extend(loaded.findings)
        if loaded.record is None:
            continue
        result.records += 1
        result.findings.extend(validator.validate(loaded.record, loaded.file, loaded.source))
        result.findings.extend(duplicates.add(loaded.file, loaded.record, loaded.source))
        if not settings.offline:
            add_links(result, extract_links(loaded.record, loaded.file, loaded.source))
    if not settings.offline:
        # Imported here: an --offline run (the CI fast path) does not pay for loading the network stack.
        from .check.runner import check_links  # noqa: PLC0415

        check_links(result, settings, transport=transport, clock=clock, progress=progress)
    result.finished_at = rfc3339(clock())
    return result


def add_links(result: RunResult, refs: Iterable[LinkRef]) -> None:
    """Fold link occurrences into one entry per distinct (normalised) URL: each is fetched once."""
    for ref in refs:
        key = normalise(ref.url)
        entry = result.links.get(key)
        if entry is None:
            entry = result.links[key] = LinkEntry(ref.url, ref.kind, image=ref.image)
        entry.occurrences.append(ref.occurrence)
        entry.canonical_candidates.update(ref.canonical_candidates)
