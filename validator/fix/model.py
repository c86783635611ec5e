"""The typed values of fixing: what a fix changes, how safe it is, and what a run did with them."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..models import LinkEntry
from .edits import Edit, Region

FIX_COMMAND = "seed-validator check --fix"


class Safety(enum.StrEnum):
    """safe: applied by --fix, what a careful editor would accept without review. unsafe: needs judgement
    (it changes what the record points to or removes data); applied only with --unsafe-fixes."""

    SAFE = "safe"
    UNSAFE = "unsafe"

    @property
    def command(self) -> str:
        return FIX_COMMAND if self is Safety.SAFE else FIX_COMMAND + " --unsafe-fixes"


class Mode(enum.StrEnum):
    CHECK = "check"  # fixes are planned and offered; nothing is written
    FIX = "fix"      # --fix: applied in place
    DIFF = "diff"    # --diff: printed as a unified diff, nothing written


@dataclass(frozen=True, slots=True)
class FixOptions:
    """What the fix flags ask of a check (fix/options.py makes them)."""

    mode: Mode = Mode.CHECK
    unsafe: bool = False
    entries: tuple[LinkEntry, ...] | None = None  # link verdicts of a previous report (--from-report)


@dataclass(frozen=True, slots=True)
class Change:
    """What a fix does to the record: the value at pointer becomes new (None: the sequence item goes)."""

    pointer: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class Fix:
    """One fix: the problems it resolves, the values it changes, and the text edits that do it."""

    file: str
    safety: Safety
    title: str
    resolves: tuple[tuple[str, str], ...]  # (pointer, rule) of each problem it resolves
    changes: tuple[Change, ...]
    edits: tuple[Edit, ...] = ()
    regions: tuple[Region, ...] = ()  # the edits as line/column regions of the file (SARIF)


@dataclass(frozen=True, slots=True)
class FixReport:
    """What fixing did in a run: the fixes still offered for the problems the reports list, the fixes
    applied (or, with --diff, that would be), and notes on fixes skipped."""

    mode: Mode
    unsafe: bool
    offered: Mapping[tuple[str, str, str], Fix] = field(default_factory=dict)  # (file, pointer, rule) → fix
    applied: tuple[Fix, ...] = ()
    changed_files: tuple[str, ...] = ()
    fixed: int = 0  # problems resolved by the applied fixes
    diff: str = ""
    notes: tuple[str, ...] = ()

    def fix_for(self, file: str, pointer: str, rule: str) -> Fix | None:
        return self.offered.get((file, pointer, rule))

    def count_offered(self) -> dict[Safety, int]:
        counts = dict.fromkeys(Safety, 0)
        for fix in self.offered.values():
            counts[fix.safety] += 1
        return counts
