"""The commands: each takes the parsed arguments and returns the exit code (the exit codes are decided here)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import baseline as baseline_file
from .. import config, pipeline
from ..errors import UsageError
from ..fix.model import FixOptions, Mode
from ..fix.options import fix_options, implied, nothing_to_fix
from ..interrupt import Interruption
from ..models import RunResult, Severity
from ..problems import Problem, at_or_above, problems
from ..progress import ProgressDisplay
from ..report import codec, console
from ..report.context import ReportInput
from ..report.diff import diff_results
from ..report.diff import render_markdown as render_diff
from ..report.escape import console_line, markdown_text
from ..report.fixes import console_lines as fix_lines
from ..report.locations import SourceRoot
from ..report.merge import merge_results
from ..report.summary import Summary
from ..report.writer import NO_REPORTS, parse_formats, write_atomic, write_reports
from ..tree import is_folder, working_tree
from ..validate.schema import load_schema
from .corpus import named_files, named_seeds, require_seeds, run_scope, run_settings
from .parser import settings_from

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3
EXIT_MEANINGS = {EXIT_OK: "nothing fails", EXIT_FINDINGS: "problems that fail",
                 EXIT_USAGE: "usage or configuration error",
                 EXIT_INCONCLUSIVE: "inconclusive: links were not verified; the notes name the hosts or names that "
                                    "failed: check DNS, a proxy or the connection and run again (--offline checks "
                                    "the structure only)",
                 130: "interrupted (Ctrl-C)", 143: "interrupted (SIGTERM)"}
_FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}
# --format and --fail-on when they are not given: what each command writes, and when it fails, by default.
DEFAULT_FORMATS = {"check": "json,md", "merge": "json,md,sarif"}
DEFAULT_FAIL_ON = {"check": "error", "merge": "never"}
_ROOTED = {"sarif", "codeclimate"}  # formats whose paths are from the repository root


def _formats(args: argparse.Namespace) -> list[str]:
    return parse_formats(args.format if args.format is not None else DEFAULT_FORMATS[args.command])


def _fail_on(args: argparse.Namespace) -> Severity | None:
    return _FAIL_ON[args.fail_on or DEFAULT_FAIL_ON[args.command]]


def _placing(args: argparse.Namespace, formats: list[str]) -> dict[str, Any]:
    """Where the reports point: --link-base (ending in '/') and where SARIF/Code Quality paths start
    (--sarif-root, else the git top-level when one of them is written). Checked before any work."""
    link_base = args.link_base or ""
    if link_base and not link_base.endswith("/"):
        link_base += "/"
    root = args.sarif_root
    if root is not None and not root.is_dir():
        raise UsageError(f"--sarif-root: {root} is not a folder")
    if root is None and _ROOTED & set(formats):
        root = working_tree()
    return {"link_base": link_base, "source": SourceRoot.at(root) if root else None}


def _schema_command(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    _, path = load_schema(settings.schema_path)
    if args.content:
        sys.stdout.write(path.read_text(encoding="utf-8"))
    else:
        print(path)
    return EXIT_OK


def _run(args: argparse.Namespace, settings: config.Settings) -> tuple[RunResult, Interruption]:
    named, notes = named_seeds(settings, named_files(args))
    scope = run_scope(args, settings, named)
    if scope.files is None and not settings.allow_empty and any(is_folder(path) for path in settings.paths):
        require_seeds(settings, scope)
    interruption = Interruption()
    quiet = args.quiet or args.silent
    with interruption.installed():
        result = pipeline.run(settings, scope=scope, progress=None if quiet else ProgressDisplay(),
                              interruption=interruption)
    result.notes.extend(notes)
    return result, interruption


def _fix_request(args: argparse.Namespace) -> FixOptions:
    """What the fix flags ask; --from-report's report is read here, before the run (a bad one is a usage error
    at once)."""
    report = args.from_report
    entries = codec.load(report, max_bytes=args.max_report_size).links.values() if report is not None else None
    return fix_options(fix=args.fix, diff=args.diff, unsafe=args.unsafe_fixes, entries=entries)


def _exit_code(interruption: Interruption, failing: int, inconclusive: bool, *,
               changed: tuple[str, ...] | None) -> int:
    """Definite failures win: a problem at or above --fail-on fails the run even when the link stage was
    inconclusive; inconclusive (3) only when nothing fails definitely. --diff: 1 when a file would change."""
    if interruption.requested:
        return interruption.exit_code
    if changed is not None:
        return EXIT_FINDINGS if changed else EXIT_OK
    if failing:
        return EXIT_FINDINGS
    return EXIT_INCONCLUSIVE if inconclusive else EXIT_OK


def _check_command(args: argparse.Namespace) -> int:
    formats = _formats(args)
    placing = _placing(args, formats)
    accepted = baseline_file.load(args.baseline, max_bytes=args.max_report_size) if args.baseline else None
    previous = codec.load(args.previous, max_bytes=args.max_report_size) if args.previous else None
    fix_request = _fix_request(args)
    settings = implied(run_settings(args), fix_request)
    result, interruption = _run(args, settings)
    if accepted is not None:
        result.baseline_keys, result.baseline_file = accepted.keys, accepted.path
    fixing = nothing_to_fix(result, fix_request, interrupted=interruption.requested)
    if fixing is None:
        from ..fix.session import after_run  # noqa: PLC0415  (planning fixes: only for a run that found something)

        fixing = after_run(result, settings, fix_request, interrupted=interruption.requested)
    fail_on = _fail_on(args)
    since = diff_results(previous, result) if previous is not None else None
    report = ReportInput.of(result, fail_on=fail_on, since=since, fixes=fixing, **placing)  # problems, counts: once
    written = write_reports(report, formats, args.output_dir)
    if fixing.mode is Mode.DIFF:
        sys.stdout.write(fixing.diff)  # only the diff on stdout: it can be piped to `git apply`
    code = _exit_code(interruption, report.summary.failing, result.inconclusive,
                      changed=fixing.changed_files if fixing.mode is Mode.DIFF else None)
    if not args.silent:
        _print_outcome(report, written, args, code)
    if interruption.requested and not args.silent:
        held = (f"{', '.join(map(str, written))} hold what was found so far (complete: false)" if written
                else f"no report written (--format {NO_REPORTS})")
        again = " Run again to pick up from the cache." if settings.cache.enabled and not settings.offline else ""
        print(console_line(f"seed-validator: interrupted; {held}.{again}"), file=sys.stderr)
    return code


def _baseline_command(args: argparse.Namespace) -> int:
    result, interruption = _run(args, run_settings(args))
    if interruption.requested:
        print("seed-validator: interrupted; no baseline written", file=sys.stderr)
        return interruption.exit_code
    items = problems(result)
    write_atomic(args.output, [baseline_file.render(items, result.tool_version)])
    code = EXIT_INCONCLUSIVE if result.inconclusive else EXIT_OK
    if not (args.quiet or args.silent):
        print(console_line(f"baseline: {len(items)} problem(s) of {result.files} file(s) written to {args.output}; "
                           f"use `seed-validator check --baseline {args.output}` to fail only on new ones"))
        if result.inconclusive:  # why exit 3, as check says it: the notes, then the verdict line
            for line in console.notes(result):
                print(line)
            print(console.verdict(result, Summary.of(result, items, fail_on=None), fail_on="never", code=code,
                                  meaning=EXIT_MEANINGS[code] + "; the baseline holds links that were not verified"))
    return code


def _diff_command(args: argparse.Namespace) -> int:
    limit = args.max_report_size
    changes = diff_results(codec.load(args.old, max_bytes=limit), codec.load(args.new, max_bytes=limit))
    text = "".join(render_diff(changes, heading=f"# Changes from {markdown_text(str(args.old))} to "
                                                f"{markdown_text(str(args.new))}"))
    write_atomic(args.output, [text])
    sys.stdout.write(text)
    return EXIT_OK


def _merge_command(args: argparse.Namespace) -> int:
    formats = _formats(args)
    placing = _placing(args, formats)
    reports = [codec.load(path, max_bytes=args.max_report_size) for path in args.reports]
    merged = merge_results(reports, [str(p) for p in args.reports])
    # JUnit marks as failing what --fail-on names; without it, errors (as in the unsharded run's report).
    report = ReportInput.of(merged, fail_on=_FAIL_ON[args.fail_on or "error"], **placing)
    written = write_reports(report, formats, args.output_dir)
    failing = at_or_above(report.problems, _fail_on(args))
    _print_problems(merged, failing)
    state = "complete" if merged.complete else "INCOMPLETE"
    where = f"written to {', '.join(map(str, written))}" if written else "nothing written"
    threshold = args.fail_on or DEFAULT_FAIL_ON[args.command]
    print(console.counts(merged, report.summary))
    print(console_line(f"merged {len(args.reports)} report(s): {merged.files} file(s), "
                       f"{sum(merged.count_links().values())} link(s), {state}, {len(failing)} problem(s) at or "
                       f"above --fail-on ({threshold}); {where}"))
    for line in console.notes(merged):
        print(line)
    return EXIT_OK if merged.complete and not failing else EXIT_FINDINGS


def _print_problems(result: RunResult, items: Sequence[Problem]) -> console.Palette:
    """A line per problem (coloured when wanted), and GitHub annotations under GitHub Actions; returns the
    palette used, for the lines after them."""
    palette = console.Palette(console.colour_wanted(sys.stdout, os.environ))
    for line in console.lines(result, items, palette):
        print(line)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in console.github_annotations(items):
            print(line)
    return palette


def _print_outcome(report: ReportInput, written: list[Path], args: argparse.Namespace, code: int) -> None:
    """Problems (and annotations under GitHub Actions); unless --quiet, what fixing did or offers, the notes,
    where the reports are, the counts and the verdict with the exit code's meaning. With --diff stdout holds
    only the diff: the fix lines go to stderr, and nothing else is printed."""
    result, fixing = report.result, report.fixes
    remaining = sum(not p.baselined for p in report.problems)
    fix_summary = [console_line(line) for line in fix_lines(fixing, result, remaining)] if fixing is not None else []
    if fixing is not None and fixing.mode is Mode.DIFF:
        if not args.quiet:
            for line in fix_summary:
                print(line, file=sys.stderr)
        return
    palette = _print_problems(result, report.problems)
    if args.quiet:
        return
    for line in fix_summary:
        print(line)
    for line in console.notes(result):
        print(line)
    if written:
        print(console_line("reports: " + ", ".join(str(path) for path in written)))
    print(console.counts(result, report.summary))
    print(console.verdict(result, report.summary, fail_on=args.fail_on or DEFAULT_FAIL_ON[args.command], code=code,
                          meaning=EXIT_MEANINGS.get(code, "interrupted"), palette=palette))


COMMAND_RUNNERS = {"schema": _schema_command, "check": _check_command, "baseline": _baseline_command,
                   "diff": _diff_command, "merge": _merge_command}
