"""The commands: each takes the parsed arguments and returns the exit code (the exit codes are decided here)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .. import baseline as baseline_file
from .. import config, pipeline
from ..errors import UsageError
from ..interrupt import Interruption
from ..load import SEED_SUFFIXES
from ..models import RunResult, Severity
from ..problems import Problem, at_or_above, problems
from ..progress import ProgressDisplay
from ..report import codec, console
from ..report.context import ReportInput
from ..report.diff import diff_results
from ..report.diff import render_markdown as render_diff
from ..report.merge import merge_results
from ..report.writer import parse_formats, write_atomic, write_reports
from ..seedfiles import Skip, skipped_text
from ..selection import changed_since, existing, files_from, seed_candidates, shown_path
from ..shard import parse_shard
from ..validate.schema import load_schema
from .parser import settings_from

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3
_FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}
# --format when it is not given: what each command writes by default.
DEFAULT_FORMATS = {"check": "json,md", "merge": "json,md,sarif"}


def _formats(args: argparse.Namespace) -> list[str]:
    return parse_formats(args.format if args.format is not None else DEFAULT_FORMATS[args.command])


def _schema_command(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    _, path = load_schema(settings.schema_path)
    if args.content:
        sys.stdout.write(path.read_text(encoding="utf-8"))
    else:
        print(path)
    return EXIT_OK


def _scope(args: argparse.Namespace, settings: config.Settings) -> pipeline.Scope:
    if args.changed_since and args.files_from:
        raise UsageError("--changed-since and --files-from each choose the files; give one of them")
    files = None
    if args.changed_since:
        files = tuple(settings.file_filter().listed(changed_since(args.changed_since, settings.paths)))
    elif args.files_from:
        files = tuple(settings.file_filter().listed(existing(seed_candidates(files_from(args.files_from)))))
    shard = parse_shard(args.shard, total=args.shard_total) if args.shard else None
    if shard is not None and files is not None:
        raise UsageError("--shard splits a whole-corpus audit; it does not combine with --changed-since/--files-from")
    output_dir = getattr(args, "output_dir", None)
    return pipeline.Scope(files, shard, skip_dirs=(output_dir,) if output_dir is not None else ())


def _corpus(args: argparse.Namespace, settings: config.Settings) -> config.Settings:
    """The settings with paths that exist: a path that does not is a usage error, unless --files-from names
    the files and no PATH is given (the corpus is then the paths that exist, maybe none)."""
    missing = [path for path in settings.paths if not os.path.lexists(path)]
    if not missing:
        return settings
    if args.files_from and not args.paths:
        return dataclasses.replace(settings, paths=tuple(p for p in settings.paths if p not in missing))
    if not args.paths and settings.paths == config.Settings().paths:
        raise UsageError(f"no seeds/ folder here ({Path.cwd()}); name the seed files or folders to check")
    raise UsageError(f"{shown_path(missing[0])}: no such file or folder")


def _require_seeds(settings: config.Settings, scope: pipeline.Scope) -> None:
    """UsageError when the paths hold no seed file, unless allow-empty (a mistyped folder must not pass)."""
    skipped: Counter[Skip] = Counter()
    if next(pipeline.seed_files(settings, scope.skip_dirs, skipped=skipped), None) is None:
        reasons = skipped_text(skipped)
        *others, last = sorted(SEED_SUFFIXES)
        kinds = f"{', '.join(others)} or {last}"
        raise UsageError(f"no seed files under {', '.join(shown_path(p) for p in settings.paths)} "
                         f"({f'not seeds: {reasons}' if reasons else f'a seed file is a {kinds} file'}); "
                         "--allow-empty accepts that")


def _run(args: argparse.Namespace) -> tuple[RunResult, Interruption]:
    settings = _corpus(args, settings_from(args))
    scope = _scope(args, settings)
    if scope.files is None and not settings.allow_empty and any(path.is_dir() for path in settings.paths):
        _require_seeds(settings, scope)
    interruption = Interruption()
    with interruption.installed():
        result = pipeline.run(settings, scope=scope, progress=None if args.quiet else ProgressDisplay(),
                              interruption=interruption)
    result.notes.extend(_not_seeds_named(settings))
    return result, interruption


def _not_seeds_named(settings: config.Settings) -> list[str]:
    """A note per file named as a PATH that the run passed over: no seed, by its content (a report, a
    README without front matter). Not an error: pre-commit names every changed file of a seed folder."""
    chosen = settings.file_filter()
    skipped = ((path, chosen.skip(path, named=True)) for path in settings.paths if not path.is_dir())
    return [f"{shown_path(path)} is not read as a seed: {reason.value}" for path, reason in skipped if reason]


def _check_command(args: argparse.Namespace) -> int:
    formats = _formats(args)
    accepted = baseline_file.load(args.baseline) if args.baseline else None
    previous = codec.load(args.previous) if args.previous else None
    result, interruption = _run(args)
    if accepted is not None:
        result.baseline_keys, result.baseline_file = accepted.keys, accepted.path
    fail_on = _FAIL_ON[args.fail_on]
    since = diff_results(previous, result) if previous is not None else None
    report = ReportInput.of(result, fail_on=fail_on, since=since)  # the run's problems, computed once
    written = write_reports(report, formats, args.output_dir)
    items = report.problems
    if not args.quiet:
        _print_outcome(result, items, written)
    if interruption.requested:
        print(f"seed-validator: interrupted; {', '.join(map(str, written))} hold what was found so far "
              "(complete: false). Run again to pick up from the cache.", file=sys.stderr)
        return interruption.exit_code
    if result.inconclusive:
        return EXIT_INCONCLUSIVE
    return EXIT_FINDINGS if at_or_above(items, fail_on) else EXIT_OK


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
    merged = merge_results([codec.load(path) for path in args.reports], [str(p) for p in args.reports])
    written = write_reports(ReportInput.of(merged), formats, args.output_dir)
    state = "complete" if merged.complete else "INCOMPLETE"
    print(f"merged {len(args.reports)} report(s): {merged.files} file(s), {sum(merged.count_links().values())} "
          f"link(s), {state}; written to {', '.join(map(str, written))}")
    for note in merged.notes:
        print(f"note: {note}")
    return EXIT_OK if merged.complete else EXIT_FINDINGS


def _print_outcome(result: RunResult, items: Sequence[Problem], written: list[Path]) -> None:
    for line in console.lines(items):
        print(line)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in console.github_annotations(items):
            print(line)
    print(console.summary(result, items))
    for note in result.notes:
        print(f"note: {note}")
    print("reports: " + ", ".join(str(path) for path in written))


COMMAND_RUNNERS = {"schema": _schema_command, "check": _check_command, "baseline": _baseline_command,
                   "diff": _diff_command, "merge": _merge_command}
