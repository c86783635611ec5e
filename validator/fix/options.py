"""What a check's fix flags ask (declared in declared.py, read by cli/commands.py), the settings they imply, and
when a run leaves fixing nothing to do (fix/session.py, the planning, is then not even imported)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..config import Settings, with_values
from ..models import LinkEntry, RunResult
from .model import FixOptions, FixReport, Mode


def fix_options(*, fix: bool, diff: bool, unsafe: bool, entries: Iterable[LinkEntry] | None = None) -> FixOptions:
    """--diff wins over --fix; `entries` are the link verdicts of --from-report's report."""
    mode = Mode.DIFF if diff else Mode.FIX if fix else Mode.CHECK
    return FixOptions(mode, unsafe, tuple(entries) if entries is not None else None)


def implied(settings: Settings, options: FixOptions) -> Settings:
    """The run's settings as the fix options need them: a previous report's verdicts stand in for fetching
    (offline); unsafe fixes ask the web archive for archived copies of dead links."""
    values: dict[str, Any] = {}
    if options.entries is not None:
        values["offline"] = True
    if options.unsafe and options.mode is not Mode.CHECK:
        values["links.suggest_archived"] = True
    return with_values(settings, values) if values else settings


def nothing_to_fix(result: RunResult, options: FixOptions, *, interrupted: bool) -> FixReport | None:
    """What fixing reports for a run that found nothing at all (no finding, no link with a verdict) and was not
    given a previous report's verdicts: no fix to plan, offer or apply (what fix.session.after_run would find
    too); None when it must look (fix.session.after_run)."""
    if interrupted or options.entries is not None or result.findings:
        return None
    if any(entry.result is not None for entry in result.links.values()):
        return None
    return FixReport(options.mode, options.unsafe)
