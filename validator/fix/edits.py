"""Pure text edits: (text, edits) → new text, offsets ↔ 1-based (line, column), unified diffs."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_LINE_BREAK = re.compile("\n")


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace text[start:end] (character offsets into the text as loaded, BOM excluded) by replacement."""

    start: int
    end: int
    replacement: str

    @property
    def delta(self) -> int:
        return len(self.replacement) - (self.end - self.start)


@dataclass(frozen=True, slots=True)
class Region:
    """A span as SARIF regions give it: 1-based lines and columns (code points), end column exclusive."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int


def ordered(edits: Iterable[Edit]) -> list[Edit]:
    """The edits sorted by position; ValueError when two overlap (they would not commute)."""
    result = sorted(edits, key=lambda e: (e.start, e.end))
    for before, after in itertools.pairwise(result):
        if after.start < before.end or (after.start == before.end == after.end == before.start):
            raise ValueError(f"edits overlap at offset {after.start}")
    return result


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    parts: list[str] = []
    position = 0
    for edit in ordered(edits):
        if not 0 <= edit.start <= edit.end <= len(text):
            raise ValueError(f"edit {edit.start}..{edit.end} is outside the text (length {len(text)})")
        parts += (text[position:edit.start], edit.replacement)
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


def shift(offset: int, edits: Sequence[Edit]) -> int:
    """Where an offset of the old text lands in the edited text (edits as `ordered` returns them).

    An offset inside a replaced span lands at the start of its replacement.
    """
    delta = 0
    for edit in edits:
        if offset >= edit.end and not (offset == edit.start == edit.end):
            delta += edit.delta
        elif offset >= edit.start:
            return edit.start + delta
        else:
            break
    return offset + delta


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of an offset ('\\n' ends a line); for a few offsets, no index needed."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def region(text: str, start: int, end: int) -> Region:
    return Region(*position(text, start), *position(text, end))


class LineIndex:
    """Converts between character offsets and 1-based (line, column) in one text ('\\n' ends a line)."""

    __slots__ = ("_length", "_starts")

    def __init__(self, text: str) -> None:
        self._starts = [0, *(match.end() for match in _LINE_BREAK.finditer(text))]
        self._length = len(text)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        if not 1 <= line <= len(self._starts):
            raise ValueError(f"line {line} is outside the text ({len(self._starts)} lines)")
        return min(self._starts[line - 1] + column - 1, self._length)

    def region(self, start: int, end: int) -> Region:
        return Region(*self.position(start), *self.position(end))


def unified_diff(file: str, before: str, after: str) -> str:
    """A `diff -u` of one file (a/ and b/ prefixes, as git and ruff print them); '' when nothing changed."""
    if before == after:
        return ""
    import difflib  # noqa: PLC0415  (--diff only: not imported with every check)

    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"a/{file}", tofile=f"b/{file}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
