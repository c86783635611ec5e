"""After --fix: the run result as it stands for the fixed files, without validating them again.

The fixed problems go; the domain rules run again on each fixed record (a fix may settle or raise more
than it targeted, e.g. a URL on another site); every other finding and link occurrence keeps its place,
moved by the edits (lines removed, items renumbered).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from ..models import Finding, Occurrence, RunResult
from ..positions import SourceMap, locate
from ..urls import normalise
from ..validate.rules import RULES, RuleContext, Subject
from .edits import LineIndex, ordered, shift
from .verify import Applied

_RULE_IDS = frozenset(rule.id for rule in RULES)


class _Moves:
    """Where positions and pointers of one file went: offsets through the edits, item indexes past the
    removed items."""

    def __init__(self, applied: Applied) -> None:
        assert applied.new is not None
        self.edits = ordered(edit for fix in applied.applied for edit in fix.edits)
        self.old_lines, self.new_lines = LineIndex(applied.source.text), LineIndex(applied.new.text)
        self.source = SourceMap(applied.new.root)
        self.values = {c.pointer: c.new for fix in applied.applied for c in fix.changes}
        self.removed: dict[str, list[int]] = {}
        for pointer, value in self.values.items():
            if value is None:
                parent, _, index = pointer.rpartition("/")
                self.removed.setdefault(parent, []).append(int(index))

    def pointer(self, pointer: str) -> str:
        for parent, indexes in self.removed.items():
            prefix = parent + "/"
            if pointer.startswith(prefix):
                head, _, rest = pointer[len(prefix):].partition("/")
                if head.isdigit():
                    index = int(head) - sum(i < int(head) for i in indexes)
                    return prefix + str(index) + ("/" + rest if rest else "")
        return pointer

    def position(self, line: int | None, column: int | None) -> tuple[int | None, int | None]:
        if line is None:
            return None, None
        offset = shift(self.old_lines.offset(line, column or 1), self.edits)
        new_line, new_column = self.new_lines.position(offset)
        return new_line, (new_column if column is not None else None)


def reflect(result: RunResult, outcomes: Sequence[Applied], context: RuleContext) -> None:
    """Update result for the files the outcomes changed (their fixes applied and written)."""
    moves = {o.source.file: _Moves(o) for o in outcomes if o.new is not None and o.applied}
    if not moves:
        return
    resolved = {(o.source.file, *r) for o in outcomes for fix in o.applied for r in fix.resolves}
    kept: list[Finding] = []
    for finding in result.findings:
        move = moves.get(finding.file)
        if move is None:
            kept.append(finding)
        elif finding.rule not in _RULE_IDS and (finding.file, finding.pointer, finding.rule) not in resolved:
            line, column = move.position(finding.line, finding.column)
            kept.append(dataclasses.replace(finding, pointer=move.pointer(finding.pointer), line=line, column=column))
    for outcome in outcomes:
        if outcome.source.file in moves and outcome.new is not None:
            kept += _rule_findings(outcome, moves[outcome.source.file].source, context)
    result.findings = kept
    _move_links(result, moves)


def _rule_findings(outcome: Applied, source: SourceMap, context: RuleContext) -> Iterable[Finding]:
    assert outcome.new is not None
    subject = Subject.of(outcome.new.record)
    for rule in RULES:
        for hit in rule.check(subject, context):
            line, column = locate(source, hit.pointer)
            yield Finding(outcome.source.file, line, column, hit.pointer, rule.id, rule.severity, hit.message)


def _move_links(result: RunResult, moves: Mapping[str, _Moves]) -> None:
    for key in list(result.links):
        entry = result.links[key]
        if not any(o.file in moves for o in entry.occurrences):
            continue
        identity = normalise(entry.url)
        occurrences: list[Occurrence] = []
        for occurrence in entry.occurrences:
            move = moves.get(occurrence.file)
            if move is None:
                occurrences.append(occurrence)
                continue
            value = move.values.get(occurrence.pointer, entry.url)
            if value is None or normalise(value) != identity:
                continue  # the URL standing there is another one now
            pointer = move.pointer(occurrence.pointer)
            occurrences.append(Occurrence(occurrence.file, pointer, move.source.line(pointer)))
        if occurrences:
            entry.occurrences = occurrences
        else:
            del result.links[key]
