"""The commands: each takes the parsed arguments and returns the exit code (the exit codes are decided here)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import baseline as baseline_file
from .. import config, pipeline
from ..errors import UsageError
from ..interrupt import Interruption
from ..models import RunResult, Severity
from ..problems import Problem, at_or_above, problems
from ..progress import ProgressDisplay
from ..report import codec, console
from ..report.context import ReportInput
from ..report.diff import diff_results
from ..report.diff import render_markdown as render_diff
from ..report.escape import console_line, markdown_text
from ..report.locations import SourceRoot
from ..report.merge import merge_results
from ..report.writer import NO_REPORTS, parse_formats, write_atomic, write_reports
from ..seedfiles import Skip, skipped_text
from ..selection import changed_since, existing, files_from, repository_root, seed_candidates, shown_path
from ..shard import parse_shard
from ..tree import SEED_SUFFIXES, Tree, is_folder
from ..validate.schema import load_schema
from .parser import settings_from

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3
EXIT_MEANINGS = {EXIT_OK: "nothing fails", EXIT_FINDINGS: "problems that fail",
                 EXIT_USAGE: "usage or configuration error",
                 EXIT_INCONCLUSIVE: "inconclusive, run again when the network is back (or use --offline)",
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


def _scope(args: argparse.Namespace, settings: config.Settings, named: Sequence[Path]) -> pipeline.Scope:
    """What the run checks. named: the seed files among the files named as PATHs (see _named_seeds)."""
    if sum(map(bool, (args.changed_since, args.files_from, _named_files(args)))) > 1:
        raise UsageError("seed files named, --changed-since and --files-from each choose the files; give one of them")
    output_dir = getattr(args, "output_dir", None)
    skip = (output_dir,) if output_dir is not None else ()
    files = None
    tree = Tree.working(follow_symlinks=settings.follow_symlinks)  # what the run may read, walks included
    if _named_files(args):
        # Files named (pre-commit passes them in batches) are checked against the whole corpus; the seed
        # files of the folders named too.
        folders_named = any(is_folder(path) for path in args.paths)
        files = (*named, *(pipeline.seed_files(settings, skip, tree=tree) if folders_named else ()))
    elif args.changed_since:
        files = tuple(settings.file_filter().listed(changed_since(args.changed_since, settings.paths)))
    elif args.files_from:
        files = tuple(settings.file_filter().listed(existing(seed_candidates(files_from(args.files_from)))))
    shard = parse_shard(args.shard, total=args.shard_total) if args.shard else None
    if shard is not None and files is not None:
        raise UsageError("--shard splits a whole-corpus audit; it does not combine with --changed-since/--files-from")
    return pipeline.Scope(files, shard, skip_dirs=skip, tree=tree)


def _named_files(args: argparse.Namespace) -> list[Path]:
    return [path for path in args.paths if not is_folder(path)]


def _require_paths(args: argparse.Namespace) -> None:
    """UsageError naming the first PATH (file or folder) that does not exist."""
    missing = next((path for path in args.paths if not os.path.lexists(path)), None)
    if missing is not None:
        raise UsageError(f"{shown_path(missing)}: no such file or folder")


def _corpus(args: argparse.Namespace, settings: config.Settings) -> config.Settings:
    """The settings with corpus paths that exist. The folders named exist (_require_paths); a configured
    (or the default) path that does not is a usage error, unless files are named or --files-from lists
    them (the corpus is then the paths that exist, maybe none)."""
    missing = [path for path in settings.paths if not os.path.lexists(path)]
    if not missing:
        return settings
    if args.files_from or args.paths:  # PATHs given, none of them a folder: files named
        return dataclasses.replace(settings, paths=tuple(p for p in settings.paths if p not in missing))
    if settings.paths == config.Settings().paths:
        raise UsageError(f"no seeds/ folder here ({Path.cwd()}); name the seed files or folders to check")
    raise UsageError(f"{shown_path(missing[0])}: no such file or folder")


def _named_seeds(settings: config.Settings, named: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """The seed files among the files named as PATHs, and a note per file passed over: no seed, by its
    content (a report, a README without front matter). Not an error: pre-commit names every changed file
    of a seed folder."""
    chosen = settings.file_filter()
    kept, notes = [], []
    for path in named:
        reason = chosen.skip(path, named=True)
        if reason is None:
            kept.append(path)
        else:
            notes.append(f"{shown_path(path)} is not read as a seed: {reason.value}")
    return kept, notes


def _require_seeds(settings: config.Settings, scope: pipeline.Scope) -> None:
    """UsageError when the paths hold no seed file, unless allow-empty (a mistyped folder must not pass)."""
    skipped: Counter[Skip] = Counter()
    if next(pipeline.seed_files(settings, scope.skip_dirs, tree=scope.tree, skipped=skipped), None) is None:
        reasons = skipped_text(skipped)
        *others, last = sorted(SEED_SUFFIXES)
        kinds = f"{', '.join(others)} or {last}"
        raise UsageError(f"no seed files under {', '.join(shown_path(p) for p in settings.paths)} "
                         f"({f'not seeds: {reasons}' if reasons else f'a seed file is a {kinds} file'}); "
                         "--allow-empty accepts that")


def _run(args: argparse.Namespace) -> tuple[RunResult, Interruption]:
    _require_paths(args)
    # The folders named are the corpus; files named are checked against it (the configured folders, else
    # seeds/, when no folder is named).
    folders = [path for path in args.paths if is_folder(path)]
    settings = _corpus(args, settings_from(argparse.Namespace(**{**vars(args), "paths": folders})))
    named, notes = _named_seeds(settings, _named_files(args))
    scope = _scope(args, settings, named)
    if scope.files is None and not settings.allow_empty and any(is_folder(path) for path in settings.paths):
        _require_seeds(settings, scope)
    interruption = Interruption()
    quiet = args.quiet or args.silent
    with interruption.installed():
        result = pipeline.run(settings, scope=scope, progress=None if quiet else ProgressDisplay(),
                              interruption=interruption)
    result.notes.extend(notes)
    return result, interruption


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return True  # a path too long to look at: the run names it in a finding


def _check_command(args: argparse.Namespace) -> int:
    formats = _formats(args)
    placing = _placing(args, formats)
    accepted = baseline_file.load(args.baseline, max_bytes=args.max_report_size) if args.baseline else None
    previous = codec.load(args.previous, max_bytes=args.max_report_size) if args.previous else None
    result, interruption = _run(args)
    if accepted is not None:
        result.baseline_keys, result.baseline_file = accepted.keys, accepted.path
    fail_on = _fail_on(args)
    since = diff_results(previous, result) if previous is not None else None
    report = ReportInput.of(result, fail_on=fail_on, since=since, **placing)  # the problems and counts, once
    written = write_reports(report, formats, args.output_dir)
    # Definite failures win: a problem at or above --fail-on fails the run even when the link stage was
    # inconclusive; inconclusive (3) is the outcome only when nothing fails definitely.
    if interruption.requested:
        code = interruption.exit_code
    elif report.summary.failing:
        code = EXIT_FINDINGS
    else:
        code = EXIT_INCONCLUSIVE if result.inconclusive else EXIT_OK
    if not args.silent:
        _print_outcome(report, written, args, code)
    if interruption.requested and not args.silent:
        held = (f"{', '.join(map(str, written))} hold what was found so far (complete: false)" if written
                else f"no report written (--format {NO_REPORTS})")
        print(console_line(f"seed-validator: interrupted; {held}. Run again to pick up from the cache."),
              file=sys.stderr)
    return code


def _baseline_command(args: argparse.Namespace) -> int:
    result, interruption = _run(args)
    if interruption.requested:
        print("seed-validator: interrupted; no baseline written", file=sys.stderr)
        return interruption.exit_code
    items = problems(result)
    write_atomic(args.output, [baseline_file.render(items, result.tool_version)])
    if not (args.quiet or args.silent):
        print(console_line(f"baseline: {len(items)} problem(s) of {result.files} file(s) written to {args.output}; "
                           f"use `seed-validator check --baseline {args.output}` to fail only on new ones"))
    return EXIT_INCONCLUSIVE if result.inconclusive else EXIT_OK


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
    """Problems (and annotations under GitHub Actions); unless --quiet, the notes, where the reports are, the
    counts and the verdict with the exit code's meaning."""
    result = report.result
    palette = _print_problems(result, report.problems)
    if args.quiet:
        return
    for line in console.notes(result):
        print(line)
    if written:
        print(console_line("reports: " + ", ".join(str(path) for path in written)))
    print(console.counts(result, report.summary))
    print(console.verdict(result, report.summary, fail_on=args.fail_on or DEFAULT_FAIL_ON[args.command], code=code,
                          meaning=EXIT_MEANINGS.get(code, "interrupted"), palette=palette))


COMMAND_RUNNERS = {"schema": _schema_command, "check": _check_command, "baseline": _baseline_command,
                   "diff": _diff_command, "merge": _merge_command}
