"""Fixing over a whole run: which files to read, what to apply (--fix), show (--diff) or only offer, and
the run result brought up to date with what was written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from ..clock import Clock, utc_now
from ..config import Settings
from ..models import LinkEntry, RunResult
from ..report.problems import problems
from ..validate.rules import RuleContext
from . import links
from .apply import Read, read_source, write_fixed
from .edits import unified_diff
from .model import Fix, FixReport, Mode
from .plan import FIXABLE_RULES, plan
from .source import Source
from .update import reflect
from .verify import Applied, apply_fixes

_PROBLEM = tuple[str, str, str]  # (file, pointer, rule)


@dataclass(frozen=True, slots=True)
class FixOptions:
    mode: Mode = Mode.CHECK
    unsafe: bool = False
    entries: tuple[LinkEntry, ...] | None = None  # link verdicts of a previous report (--from-report)


def after_run(result: RunResult, settings: Settings, options: FixOptions, *, interrupted: bool = False,
              clock: Clock = utc_now) -> FixReport:
    """Plan fixes for the problems of result and, by options.mode, apply them (updating result), diff them,
    or only offer them. Link fixes use options.entries when given, else the run's own verdicts."""
    entries = options.entries
    if interrupted:
        note = () if options.mode is Mode.CHECK else ("the run was interrupted: nothing was fixed",)
        return FixReport(options.mode, options.unsafe, notes=note)
    verdicts = links.by_occurrence(result.links.values() if entries is None else entries)
    reported = _reported(result, verdicts)
    notes: list[str] = []
    sources: dict[str, Read] = {}
    for file in sorted(reported):
        read = read_source(Path(file), file, max_bytes=settings.max_file_size)
        if isinstance(read, str):
            notes.append(read)
        else:
            sources[file] = read
    if options.mode is Mode.CHECK:
        return FixReport(Mode.CHECK, options.unsafe, _offered(result, {f: r.source for f, r in sources.items()},
                                                               verdicts))
    outcomes = []
    for file, read in sources.items():
        fixes, plan_notes = plan(read.source, reported[file], verdicts.get(file, {}), unsafe=options.unsafe)
        outcome = apply_fixes(read.source, fixes)
        outcomes.append(outcome)
        notes += (*plan_notes, *outcome.notes)
    before = {(file, *key) for file, keys in reported.items() for key in keys}
    if options.mode is Mode.DIFF:
        diff = "".join(unified_diff(o.source.file, o.source.text, o.new.text) for o in outcomes if o.new)
        return FixReport(Mode.DIFF, options.unsafe, _offered(result, {f: r.source for f, r in sources.items()},
                                                              verdicts),
                         _applied(outcomes), _changed(outcomes), _fixed(outcomes, before), diff, tuple(notes))
    written = [o for o in outcomes if o.new is not None and _write(sources[o.source.file], o, notes)]
    context = RuleContext(now=clock(), future_tolerance=timedelta(hours=settings.future_tolerance_hours))
    reflect(result, written, context)
    current = {f: r.source for f, r in sources.items()} | {o.source.file: o.new for o in written if o.new}
    verdicts = links.by_occurrence(result.links.values() if entries is None else entries)
    return FixReport(Mode.FIX, options.unsafe, _offered(result, current, verdicts), _applied(written),
                     _changed(written), _fixed(written, before), "", tuple(notes))


def _reported(result: RunResult, verdicts: Mapping[str, Mapping[str, links.LinkVerdict]],
              ) -> dict[str, set[tuple[str, str]]]:
    """file → (pointer, rule) of the problems a fix may resolve, for the files this run checked."""
    checked = set(result.checked_files)
    reported: dict[str, set[tuple[str, str]]] = {}
    for p in problems(result):
        if p.file in checked and (p.rule in FIXABLE_RULES or p.pointer in verdicts.get(p.file, {})):
            reported.setdefault(p.file, set()).add((p.pointer, p.rule))
    for file, by_pointer in verdicts.items():
        if file in checked:
            reported.setdefault(file, set()).update((pointer, v.rule) for pointer, v in by_pointer.items())
    return reported


def _offered(result: RunResult, sources: Mapping[str, Source],
             verdicts: Mapping[str, Mapping[str, links.LinkVerdict]]) -> dict[_PROBLEM, Fix]:
    """For each problem the reports list: the safe fix that resolves it, else the unsafe one."""
    keys: dict[str, set[tuple[str, str]]] = {}
    for p in problems(result):
        if p.file in sources:
            keys.setdefault(p.file, set()).add((p.pointer, p.rule))
    offered: dict[_PROBLEM, Fix] = {}
    for file, reported in keys.items():
        for unsafe in (False, True):
            for fix in plan(sources[file], reported, verdicts.get(file, {}), unsafe=unsafe)[0]:
                for pointer, rule in fix.resolves:
                    if (pointer, rule) in reported:
                        offered.setdefault((file, pointer, rule), fix)
    return offered


def _write(read: Read, outcome: Applied, notes: list[str]) -> bool:
    assert outcome.new is not None
    note = write_fixed(Path(read.source.file), outcome.new, read.raw)
    if note is not None:
        notes.append(note)
    return note is None


def _applied(outcomes: Iterable[Applied]) -> tuple[Fix, ...]:
    return tuple(fix for o in outcomes if o.new is not None for fix in o.applied)


def _changed(outcomes: Iterable[Applied]) -> tuple[str, ...]:
    return tuple(o.source.file for o in outcomes if o.new is not None and o.applied)


def _fixed(outcomes: Iterable[Applied], before: set[_PROBLEM]) -> int:
    resolved = {(o.source.file, *r) for o in outcomes if o.new is not None for fix in o.applied for r in fix.resolves}
    return len(resolved & before)

