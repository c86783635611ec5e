"""After --fix: the run result as it stands for the fixed files, without validating them again.

The fixed problems go; the domain rules run again on each fixed record (a fix may settle or raise more
than it targeted, e.g. a URL on another site); every other finding and link occurrence keeps its place,
moved by the edits (lines removed, items renumbered). Files are updated one at a time, as they are fixed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

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


class RunIndex:
    """The run result's findings and link occurrences by file, so each fixed file is updated in place."""

    def __init__(self, result: RunResult) -> None:
        self._result = result
        self._findings: dict[str, list[Finding]] = {}
        for finding in result.findings:
            self._findings.setdefault(finding.file, []).append(finding)
        self._links: dict[str, list[str]] = {}
        for key, entry in result.links.items():
            for file in dict.fromkeys(o.file for o in entry.occurrences):
                self._links.setdefault(file, []).append(key)
        self._changed = False

    def problem_keys(self, file: str) -> set[tuple[str, str]]:
        """(pointer, rule) of the file's findings and of its occurrences of links whose status counts."""
        keys = {(f.pointer, f.rule) for f in self._findings.get(file, ())}
        for key in self._links.get(file, ()):
            entry = self._result.links.get(key)
            if entry is not None and entry.result is not None:
                keys.update((o.pointer, verdict.status.rule_id) for o in entry.occurrences if o.file == file
                            if (verdict := entry.verdict_at(o)).status.severity is not None)
        return keys

    def reflect(self, outcome: Applied, context: RuleContext) -> None:
        """Update the result for one file whose fixes were applied and written."""
        if outcome.new is None or not outcome.applied:
            return
        file = outcome.source.file
        move = _Moves(outcome)
        resolved = {r for fix in outcome.applied for r in fix.resolves}
        kept = [dataclasses.replace(f, pointer=move.pointer(f.pointer), line=line, column=column)
                for f in self._findings.get(file, ()) if f.rule not in _RULE_IDS and (f.pointer, f.rule) not in resolved
                for line, column in [move.position(f.line, f.column)]]
        self._findings[file] = kept + list(_rule_findings(file, outcome, move.source, context))
        self._move_links(file, move)
        self._changed = True

    def finish(self) -> None:
        """Write the updated findings back into the result (in file order, as before)."""
        if self._changed:
            self._result.findings = [f for findings in self._findings.values() for f in findings]

    def _move_links(self, file: str, move: _Moves) -> None:
        for key in self._links.get(file, ()):
            entry = self._result.links.get(key)
            if entry is None:
                continue
            identity = normalise(entry.url)
            occurrences: list[Occurrence] = []
            for occurrence in entry.occurrences:
                if occurrence.file != file:
                    occurrences.append(occurrence)
                    continue
                value = move.values.get(occurrence.pointer, entry.url)
                if value is None or normalise(value) != identity:
                    continue  # the URL standing there is another one now
                pointer = move.pointer(occurrence.pointer)
                occurrences.append(Occurrence(file, pointer, move.source.line(pointer)))
            if occurrences:
                entry.occurrences = occurrences
            else:
                del self._result.links[key]


def _rule_findings(file: str, outcome: Applied, source: SourceMap, context: RuleContext) -> Iterable[Finding]:
    assert outcome.new is not None
    subject = Subject.of(outcome.new.record)
    for rule in RULES:
        for hit in rule.check(subject, context):
            line, column = locate(source, hit.pointer)
            yield Finding(file, line, column, hit.pointer, rule.id, rule.severity, hit.message)
