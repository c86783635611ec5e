"""Pure: fixes applied to a file's text, kept only if the edited text parses to exactly the record the
fixes describe (the targeted values changed, everything else equal)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .edits import apply_edits
from .model import Fix
from .source import Source, parse_source, with_changes


@dataclass(frozen=True, slots=True)
class Applied:
    """The outcome for one file: its new text and parse (None when nothing changed), what was applied."""

    source: Source
    new: Source | None
    applied: tuple[Fix, ...]
    notes: tuple[str, ...]


def apply_fixes(source: Source, fixes: Sequence[Fix]) -> Applied:
    """All fixes at once when the result verifies; otherwise each fix that verifies on its own (in order),
    with a note for every one left out."""
    if not fixes:
        return Applied(source, None, (), ())
    new = _verified(source, fixes)
    if new is not None:
        return Applied(source, new, tuple(fixes), ())
    kept: list[Fix] = []
    notes: list[str] = []
    for fix in fixes:
        if _verified(source, [*kept, fix]) is not None:
            kept.append(fix)
        else:
            where = ", ".join(change.pointer for change in fix.changes)
            notes.append(f"{source.file}: {where}: fix skipped ({fix.title}): the edited file would not read "
                         "back as exactly the intended record")
    new = _verified(source, kept) if kept else None
    return Applied(source, new, tuple(kept), tuple(notes))


def _verified(source: Source, fixes: Sequence[Fix]) -> Source | None:
    try:
        text = apply_edits(source.text, [edit for fix in fixes for edit in fix.edits])
    except ValueError:
        return None  # overlapping edits
    parsed = parse_source(text, source.file, plain_yaml=source.plain_yaml, bom=source.bom)
    if parsed is None or parsed.record != with_changes(source.record, [c for fix in fixes for c in fix.changes]):
        return None
    return parsed
