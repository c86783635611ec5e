"""The command-line options of fixing (declared here, added to `check` by cli.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from . import links
from .model import Mode
from .session import FixOptions


def add_arguments(check: argparse.ArgumentParser) -> None:
    group = check.add_argument_group("fixes")
    group.add_argument("--fix", action="store_true",
                       help="apply every safe fix in place (minimal edits: comments, quoting and layout stay)")
    group.add_argument("--diff", action="store_true",
                       help="print the fixes as a unified diff instead of applying them; exit 1 if any")
    group.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix or --diff, also the fixes that need judgement: archived copies of dead "
                            "links (asks the web archive), redirects to another site, removing empty topic items")
    group.add_argument("--from-report", type=Path, metavar="REPORT",
                       help="fix links from this report.json's verdicts instead of fetching them (implies "
                            "--offline for this run)")
    group.add_argument("--suggest-archived", action="store_true",
                       help="ask the web archive for a snapshot of each dead or soft-dead link")
    group.add_argument("--archive-endpoint", metavar="URL",
                       help="the archive's availability API [default: https://archive.org/wayback/available]")


def fix_options(args: argparse.Namespace) -> FixOptions:
    """What the flags ask of fixing; the --from-report file is read here, before the run (a bad one is a
    usage error at once)."""
    mode = Mode.DIFF if getattr(args, "diff", False) else Mode.FIX if getattr(args, "fix", False) else Mode.CHECK
    report = getattr(args, "from_report", None)
    entries = tuple(links.from_report(report)) if report is not None else None
    return FixOptions(mode, bool(getattr(args, "unsafe_fixes", False)), entries)


def overrides(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    """(top-level, links) settings the fix options imply."""
    top: dict[str, Any] = {}
    links: dict[str, Any] = {}
    if getattr(args, "from_report", None) is not None:
        top["offline"] = True  # the report's verdicts stand in for fetching
    if getattr(args, "suggest_archived", False) or (
            getattr(args, "unsafe_fixes", False) and (getattr(args, "fix", False) or getattr(args, "diff", False))):
        links["suggest_archived"] = True
    if getattr(args, "archive_endpoint", None) is not None:
        links["archive_endpoint"] = args.archive_endpoint
    return top, links
