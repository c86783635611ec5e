"""What every report says about fixes: the sentences of the summary, the mark of a fixable problem, and the
JSON of it all (the renderers stay one-liners about fixing)."""

from __future__ import annotations

from typing import Any

from ..fix.model import FixReport, Mode, Safety
from ..models import ArchivedCopy, RunResult


def summary(fixes: FixReport, remaining: int) -> list[str]:
    """Plain sentences: what was fixed (or would be), what remains, and the commands for what can be."""
    lines: list[str] = []
    changed = len(fixes.changed_files)
    if fixes.mode is Mode.FIX:
        lines.append(f"fixed {fixes.fixed} problem(s) in {changed} file(s); {remaining} remain")
    elif fixes.mode is Mode.DIFF:
        lines.append(f"would fix {fixes.fixed} problem(s) in {changed} file(s) (--diff: nothing written)")
    counts = fixes.count_offered()
    if counts[Safety.SAFE]:
        lines.append(f"{counts[Safety.SAFE]} problem(s) have a safe fix: `{Safety.SAFE.command}` "
                     "(preview with --diff)")
    if counts[Safety.UNSAFE]:
        lines.append(f"{counts[Safety.UNSAFE]} problem(s) have an unsafe fix, to review: `{Safety.UNSAFE.command}`")
    return lines


def console_lines(fixes: FixReport, result: RunResult, remaining: int) -> list[str]:
    """The console's lines about fixing, and the archived copies suggested for dead links."""
    lines = [f"fix: {line}" for line in summary(fixes, remaining)]
    lines += [f"note: {note}" for note in fixes.notes]
    lines += [f"archived copy of {entry.url}: {entry.archived.url} ({entry.archived.timestamp[:10]})"
              for entry in result.sorted_links() if entry.archived is not None]
    return lines


def mark(fixes: FixReport | None, file: str, pointer: str, rule: str) -> str | None:
    """'safe' or 'unsafe' when a fix is offered for the problem."""
    fix = fixes.fix_for(file, pointer, rule) if fixes is not None else None
    return None if fix is None else fix.safety.value


def archived_json(copy: ArchivedCopy | None) -> dict[str, str] | None:
    return None if copy is None else {"url": copy.url, "timestamp": copy.timestamp}


def fixes_json(fixes: FixReport, remaining: int) -> dict[str, Any]:
    counts = fixes.count_offered()
    return {
        "mode": fixes.mode.value, "unsafe_fixes": fixes.unsafe, "fixed": fixes.fixed,
        "files": list(fixes.changed_files), "remaining": remaining,
        "offered": {safety.value: n for safety, n in counts.items()},
        "applied": [{"file": fix.file, "safety": fix.safety.value, "title": fix.title,
                     "resolves": [{"pointer": pointer, "rule": rule} for pointer, rule in fix.resolves],
                     "changes": [{"pointer": c.pointer, "old": c.old, "new": c.new} for c in fix.changes]}
                    for fix in fixes.applied],
        "notes": list(fixes.notes),
    }
