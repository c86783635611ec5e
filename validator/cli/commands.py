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
from ..interrupt import Interruption
from ..load import discover
from ..models import RunResult, Severity
from ..problems import Problem, at_or_above, problems
from ..progress import ProgressDisplay
from ..report import codec, console
from ..report.context import ReportInput
from ..report.diff import diff_results
from ..report.diff import render_markdown as render_diff
from ..report.locations import SourceRoot
from ..report.merge import merge_results
from ..report.writer import NO_REPORTS, parse_formats, write_atomic, write_reports
from ..selection import changed_since, files_from, repository_root
from ..shard import parse_shard
from ..validate.schema import load_schema
from .parser import settings_from

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3
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
        root = repository_root()
    return {"link_base": link_base, "source": SourceRoot.at(root) if root else None}


def _schema_command(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    _, path = load_schema(settings.schema_path)
    if args.content:
        sys.stdout.write(path.read_text(encoding="utf-8"))
    else:
        print(path)
    return EXIT_OK


def _scope(args: argparse.Namespace, settings: config.Settings) -> pipeline.Scope:
    named = [path for path in args.paths if not path.is_dir()]
    if sum(map(bool, (args.changed_since, args.files_from, named))) > 1:
        raise UsageError("seed files named, --changed-since and --files-from each choose the files; give one of them")
    output_dir = getattr(args, "output_dir", None)
    skip = (output_dir,) if output_dir is not None else ()
    files = None
    if named:
        # Files named (pre-commit passes them in batches) are checked against the whole corpus.
        files = (*named, *discover([path for path in args.paths if path.is_dir()], skip=skip))
    elif args.changed_since:
        files = tuple(changed_since(args.changed_since, settings.paths))
    elif args.files_from:
        files = tuple(files_from(args.files_from))
    shard = parse_shard(args.shard, total=args.shard_total) if args.shard else None
    if shard is not None and files is not None:
        raise UsageError("--shard splits a whole-corpus audit; it does not combine with --changed-since/--files-from")
    return pipeline.Scope(files, shard, skip_dirs=skip)


def _run(args: argparse.Namespace) -> tuple[RunResult, Interruption]:
    # The folders named are the corpus; files named are checked against it (the configured folders, else
    # seeds/, when no folder is named).
    settings = settings_from(argparse.Namespace(**{**vars(args), "paths": [p for p in args.paths if p.is_dir()]}))
    if not args.paths and not all(p.exists() for p in settings.paths):
        raise UsageError(f"no seeds/ folder here ({Path.cwd()}); name the seed files or folders to check")
    scope = _scope(args, settings)
    interruption = Interruption()
    with interruption.installed():
        result = pipeline.run(settings, scope=scope, progress=None if args.quiet else ProgressDisplay(),
                              interruption=interruption)
    return result, interruption


def _check_command(args: argparse.Namespace) -> int:
    formats = _formats(args)
    placing = _placing(args, formats)
    accepted = baseline_file.load(args.baseline) if args.baseline else None
    previous = codec.load(args.previous) if args.previous else None
    result, interruption = _run(args)
    if accepted is not None:
        result.baseline_keys, result.baseline_file = accepted.keys, accepted.path
    fail_on = _fail_on(args)
    since = diff_results(previous, result) if previous is not None else None
    report = ReportInput.of(result, fail_on=fail_on, since=since, **placing)  # the problems, computed once
    written = write_reports(report, formats, args.output_dir)
    items = report.problems
    if not args.quiet:
        _print_outcome(result, items, written)
    if interruption.requested:
        held = (f"{', '.join(map(str, written))} hold what was found so far (complete: false)" if written
                else f"no report written (--format {NO_REPORTS})")
        print(f"seed-validator: interrupted; {held}. Run again to pick up from the cache.", file=sys.stderr)
        return interruption.exit_code
    # Definite failures win: a finding at or above --fail-on fails the run even when the link stage was
    # inconclusive; inconclusive (3) is the outcome only when nothing fails definitely.
    failing = at_or_above(items, fail_on)
    if failing and result.inconclusive and not args.quiet:
        print(f"seed-validator: {len(failing)} problem(s) at or above --fail-on fail the run (exit 1); the link stage "
              "was also inconclusive (see the notes): links resting on the network were not verified")
    if failing:
        return EXIT_FINDINGS
    return EXIT_INCONCLUSIVE if result.inconclusive else EXIT_OK


def _baseline_command(args: argparse.Namespace) -> int:
    result, interruption = _run(args)
    if interruption.requested:
        print("seed-validator: interrupted; no baseline written", file=sys.stderr)
        return interruption.exit_code
    items = problems(result)
    write_atomic(args.output, [baseline_file.render(items, result.tool_version)])
    if not args.quiet:
        print(f"baseline: {len(items)} problem(s) of {result.files} file(s) written to {args.output}; "
              f"use `seed-validator check --baseline {args.output}` to fail only on new ones")
    return EXIT_INCONCLUSIVE if result.inconclusive else EXIT_OK


def _diff_command(args: argparse.Namespace) -> int:
    changes = diff_results(codec.load(args.old), codec.load(args.new))
    text = "".join(render_diff(changes, heading=f"# Changes from {args.old} to {args.new}"))
    write_atomic(args.output, [text])
    sys.stdout.write(text)
    return EXIT_OK


def _merge_command(args: argparse.Namespace) -> int:
    formats = _formats(args)
    placing = _placing(args, formats)
    merged = merge_results([codec.load(path) for path in args.reports], [str(p) for p in args.reports])
    # JUnit marks as failing what --fail-on names; without it, errors (as in the unsharded run's report).
    report = ReportInput.of(merged, fail_on=_FAIL_ON[args.fail_on or "error"], **placing)
    written = write_reports(report, formats, args.output_dir)
    failing = at_or_above(report.problems, _fail_on(args))
    _print_problems(failing)
    state = "complete" if merged.complete else "INCOMPLETE"
    where = f"written to {', '.join(map(str, written))}" if written else "nothing written"
    print(f"merged {len(args.reports)} report(s): {merged.files} file(s), {sum(merged.count_links().values())} "
          f"link(s), {state}, {len(failing)} problem(s) at or above --fail-on; {where}")
    for note in merged.notes:
        print(f"note: {note}")
    return EXIT_OK if merged.complete and not failing else EXIT_FINDINGS


def _print_problems(items: Sequence[Problem]) -> None:
    for line in console.lines(items):
        print(line)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in console.github_annotations(items):
            print(line)


def _print_outcome(result: RunResult, items: Sequence[Problem], written: list[Path]) -> None:
    _print_problems(items)
    print(console.summary(result, items))
    for note in result.notes:
        print(f"note: {note}")
    if written:
        print("reports: " + ", ".join(str(path) for path in written))


COMMAND_RUNNERS = {"schema": _schema_command, "check": _check_command, "baseline": _baseline_command,
                   "diff": _diff_command, "merge": _merge_command}
