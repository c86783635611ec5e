"""Fixing over a whole run, one file at a time: read it, plan, apply (--fix), show (--diff) or only offer
the fixes, bring the run result up to date for it, and let it go (memory stays flat with the corpus)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from ..clock import Clock, utc_now
from ..config import Settings
from ..models import RunResult
from ..problems import problems
from ..tree import Tree
from ..validate.rules import RuleContext
from . import links
from .apply import Read, read_source, write_fixed
from .edits import unified_diff
from .model import Fix, FixOptions, FixReport, Mode, Safety
from .plan import FIXABLE_RULES, plan
from .source import Source
from .update import RunIndex
from .verify import apply_fixes

_Key = tuple[str, str]  # (pointer, rule)
_Verdicts = Mapping[str, links.LinkVerdict]


@dataclass(slots=True)
class _Tally:
    offered: dict[tuple[str, str, str], Fix] = field(default_factory=dict)
    applied: list[Fix] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    fixed: int = 0
    diff: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def after_run(result: RunResult, settings: Settings, options: FixOptions, *, interrupted: bool = False,
              clock: Clock = utc_now) -> FixReport:
    """Plan fixes for the problems of result and, by options.mode, apply them (updating result), diff them,
    or only offer them. Link fixes use options.entries when given, else the run's own verdicts."""
    if interrupted:
        note = () if options.mode is Mode.CHECK else ("the run was interrupted: nothing was fixed",)
        return FixReport(options.mode, options.unsafe, notes=note)
    verdicts = links.by_occurrence(result.links.values() if options.entries is None else options.entries)
    listed, reported = _problems(result, verdicts)
    index = RunIndex(result) if options.mode is Mode.FIX else None
    context = RuleContext(now=clock(), future_tolerance=timedelta(hours=settings.future_tolerance_hours))
    tally = _Tally()
    tree = Tree.working(follow_symlinks=settings.follow_symlinks)  # fixing reads only what the run may read
    for file in sorted(reported):
        read = read_source(Path(file), file, max_bytes=settings.max_file_size, tree=tree)
        if isinstance(read, str):
            tally.notes.append(read)
        elif options.mode is Mode.CHECK:
            _offer(tally, read.source, listed.get(file, set()), verdicts.get(file, {}))
        else:
            _fix_one(tally, read, (reported[file], listed.get(file, set())), verdicts.get(file, {}),
                     unsafe=options.unsafe, index=index, context=context)
    if index is not None:
        index.finish()
    return FixReport(options.mode, options.unsafe, tally.offered, tuple(tally.applied), tuple(tally.changed),
                     tally.fixed, "".join(tally.diff), tuple(tally.notes))


def _fix_one(tally: _Tally, read: Read, problems_of_file: tuple[set[_Key], set[_Key]], verdicts: _Verdicts, *,
             unsafe: bool, index: RunIndex | None, context: RuleContext) -> None:
    """Plan and apply one file's fixes; with an index (--fix) write the file and update the run result,
    without one (--diff) keep the diff. Then offer what is left to fix."""
    reported, listed = problems_of_file
    file = read.source.file
    fixes, notes = plan(read.source, reported, verdicts, unsafe=unsafe)
    outcome = apply_fixes(read.source, fixes)
    tally.notes += (*notes, *outcome.notes)
    new = outcome.new if outcome.applied else None
    if new is not None and index is not None:
        note = write_fixed(Path(file), new, read.raw)
        if note is not None:
            tally.notes.append(note)
            new = None
    if new is None:
        _offer(tally, read.source, listed, verdicts)
        return
    tally.applied += outcome.applied
    tally.changed.append(file)
    tally.fixed += len({r for fix in outcome.applied for r in fix.resolves} & reported)
    if index is None:
        tally.diff.append(unified_diff(file, read.source.text, new.text))
        _offer(tally, read.source, listed, verdicts)
        return
    index.reflect(outcome, context)
    _offer(tally, new, index.problem_keys(file), verdicts)


def _problems(result: RunResult, verdicts: Mapping[str, _Verdicts],
              ) -> tuple[dict[str, set[_Key]], dict[str, set[_Key]]]:
    """By file of this run: the problems the reports list, and those a fix may resolve (the listed ones of
    fixable rules, and every link verdict a fix can act on, a previous report's included)."""
    checked = set(result.checked_files)
    listed: dict[str, set[_Key]] = {}
    reported: dict[str, set[_Key]] = {}
    for p in problems(result):
        listed.setdefault(p.file, set()).add((p.pointer, p.rule))
        if p.file in checked and (p.rule in FIXABLE_RULES or p.pointer in verdicts.get(p.file, {})):
            reported.setdefault(p.file, set()).add((p.pointer, p.rule))
    for file, by_pointer in verdicts.items():
        if file in checked:
            reported.setdefault(file, set()).update((pointer, v.rule) for pointer, v in by_pointer.items())
    return listed, reported


def _offer(tally: _Tally, source: Source, listed: set[_Key], verdicts: _Verdicts) -> None:
    """For each listed problem of the file: the safe fix that resolves it, else the unsafe one."""
    if not any(rule in FIXABLE_RULES or pointer in verdicts for pointer, rule in listed):
        return  # nothing a fix could resolve: no need to plan
    widest = plan(source, listed, verdicts, unsafe=True)[0]
    safe_only = widest if all(f.safety is Safety.SAFE for f in widest) else plan(source, listed, verdicts,
                                                                                  unsafe=False)[0]
    for fix in (*safe_only, *widest):
        for key in fix.resolves:
            if key in listed:
                tally.offered.setdefault((source.file, *key), fix)

