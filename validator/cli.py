"""Command line: parse arguments, run the pipeline, write reports, map outcomes to exit codes (here only)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__, config, pipeline
from . import baseline as baseline_file
from .errors import ConfigError, UsageError, ValidatorError
from .fix import options as fix_options
from .fix.model import FixReport, Mode
from .fix.session import after_run as apply_fixes
from .interrupt import Interruption
from .jsonfile import read_json_object
from .models import RunResult, Severity
from .progress import ProgressDisplay
from .report import console, json_report
from .report.diff import diff_reports
from .report.diff import render_markdown as render_diff
from .report.fixes import console_lines as fix_lines
from .report.from_json import run_result
from .report.merge import merge_reports
from .report.problems import at_or_above, problems
from .report.writer import FORMATS, ReportContext, write_atomic, write_reports
from .selection import changed_since, files_from
from .shard import TOTAL_ENV, parse_shard
from .validate.schema import load_schema

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3
_FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seed-validator",
        description="Validate news seed records: structure (JSON Schema + domain rules) and link health.",
        epilog="Exit codes: 0 nothing at or above --fail-on, 1 findings that fail, 2 usage or configuration "
               "error, 3 inconclusive (network unavailable), 130/143 interrupted (Ctrl-C/SIGTERM; a report "
               "marked incomplete is still written). Settings can also live in seed-validator.toml or "
               "[tool.seed-validator] in pyproject.toml; flags override them.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = commands.add_parser(
        "check", help="validate seed files and check their links",
        description="Validate seed files (structure, metadata) and, unless --offline, check every link.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    _add_run_arguments(check)
    check.add_argument("--format", default="json,md", metavar="LIST",
                       help=f"report formats, comma-separated: {','.join(FORMATS)}")
    check.add_argument("--output-dir", type=Path, default=Path("reports"), metavar="DIR",
                       help="where reports are written")
    check.add_argument("--fail-on", choices=list(_FAIL_ON), default="error",
                       help="the lowest severity that makes the exit code 1")
    check.add_argument("--baseline", type=Path, metavar="FILE",
                       help="report the findings in this baseline separately and fail only on new ones")
    check.add_argument("--previous", type=Path, metavar="REPORT",
                       help="a previous report.json: the Markdown report gets a 'since the previous run' section")
    fix_options.add_arguments(check)

    baseline = commands.add_parser(
        "baseline", help="write a baseline of today's findings",
        description="Run the same checks as `check` and write every finding (by file, pointer, rule and URL, not "
                    "line) to a baseline file; `check --baseline FILE` then fails only on new findings.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    _add_run_arguments(baseline)
    baseline.add_argument("--output", "-o", type=Path, default=Path(baseline_file.DEFAULT_FILE), metavar="FILE",
                          help="where the baseline is written")

    diff = commands.add_parser("diff", help="compare two JSON reports",
                               description="Print (and write as Markdown) what changed between two report.json "
                                           "files: links that broke or recovered, findings new or fixed.")
    diff.add_argument("old", type=Path, metavar="OLD.json")
    diff.add_argument("new", type=Path, metavar="NEW.json")
    diff.add_argument("--output", "-o", type=Path, default=Path("reports/diff.md"), metavar="FILE",
                      help="where the Markdown is written [default: reports/diff.md]")

    merge = commands.add_parser("merge", help="combine shard reports into one",
                                description="Combine the report.json of every shard (--shard K/N) into one "
                                            "report; it is complete only when all N shards are present.")
    merge.add_argument("reports", type=Path, nargs="+", metavar="REPORT")
    merge.add_argument("--output-dir", type=Path, default=Path("reports"), metavar="DIR",
                       help="where report.json, report.md and report.sarif are written [default: reports]")

    schema = commands.add_parser("schema", help="print the path (or content) of the schema in use",
                                 description="Print the path of the seed JSON Schema in use.")
    schema.add_argument("--content", action="store_true", help="print the schema itself")
    schema.add_argument("--schema", type=Path, metavar="FILE", help=argparse.SUPPRESS)
    schema.add_argument("--config", type=Path, metavar="FILE", help="read settings from this TOML file")
    return parser


def _add_run_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                         help="seed files or folders (folders are searched for .txt/.md/.yaml/.yml) "
                              "[default: seeds/]")
    command.add_argument("--offline", action="store_true", help="check structure and metadata only; fetch nothing")
    command.add_argument("--quiet", "-q", action="store_true",
                         help="print nothing but run-stopping errors (reports are still written)")
    command.add_argument("--schema", type=Path, metavar="FILE", help="validate against this JSON Schema")
    command.add_argument("--config", type=Path, metavar="FILE",
                         help="read settings from this TOML file (default: seed-validator.toml or pyproject.toml)")
    command.add_argument("--max-file-size", type=int, metavar="BYTES",
                         help=f"larger files are reported, not read [default: {config.DEFAULT_MAX_BYTES}]")
    scope = command.add_argument_group("what to check")
    scope.add_argument("--changed-since", metavar="REF",
                       help="only seed files added or modified since this git ref (duplicates are still "
                            "looked for in the whole corpus)")
    scope.add_argument("--files-from", metavar="FILE",
                       help="only the seed files listed in FILE, one per line ('-' for standard input)")
    scope.add_argument("--shard", metavar="K/N",
                       help="check shard K of N: the links of the hosts that hash to it and its share of files; "
                            "'auto' reads GitLab (CI_NODE_INDEX/CI_NODE_TOTAL) or a Kubernetes Indexed Job "
                            "(JOB_COMPLETION_INDEX)")
    scope.add_argument("--shard-total", type=int, metavar="N",
                       help=f"with --shard auto under Kubernetes: the number of shards (or {TOTAL_ENV})")
    links = command.add_argument_group("link checking")
    links.add_argument("--concurrency", type=int, metavar="N", help="requests in flight at once [default: 64]")
    links.add_argument("--per-host", type=int, metavar="N", help="requests in flight per host [default: 2]")
    links.add_argument("--timeout", type=float, metavar="SECONDS",
                       help="total deadline for one URL, retries included [default: 20]")
    links.add_argument("--retries", type=int, metavar="N",
                       help="extra attempts after a timeout, reset or 5xx [default: 2]")
    links.add_argument("--allow-private", action="store_true",
                       help="allow connections to loopback, private and link-local addresses (intranets, tests)")
    links.add_argument("--cache", type=Path, metavar="PATH",
                       help="link cache (SQLite) [default: .seed-validator/cache.sqlite]")
    links.add_argument("--no-cache", action="store_true", help="neither read nor write the link cache")
    links.add_argument("--max-cache-age", metavar="GOOD[,BAD]",
                       help="reuse cached verdicts younger than this, e.g. 7d,1d (s, m, h, d) [default: 7d,1d]")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    commands = {"schema": _schema_command, "check": _check_command, "baseline": _baseline_command,
                "diff": _diff_command, "merge": _merge_command}
    try:
        return commands[args.command](args)
    except ValidatorError as exc:
        print(f"seed-validator: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def settings_from(args: argparse.Namespace) -> config.Settings:
    settings = config.Settings()
    if args.config is not None:
        if not args.config.is_file():
            raise ConfigError(f"config file {args.config} not found")
        table = config.read_config(args.config)
        if table is not None:
            settings = config.apply_file(settings, args.config, table)
    else:
        found = config.find_config(Path.cwd())
        if found is not None:
            settings = config.apply_file(settings, *found)
    top: dict[str, Any] = {}
    if getattr(args, "schema", None) is not None:
        top["schema_path"] = args.schema
    if args.command == "schema":
        return config.replace(settings, top=top)
    if args.paths:
        top["paths"] = tuple(args.paths)
    if args.offline:
        top["offline"] = True
    if args.max_file_size is not None:
        top["max_file_size"] = args.max_file_size
    links = {name: value for name, value in (
        ("concurrency", args.concurrency), ("per_host", args.per_host), ("timeout", args.timeout),
        ("retries", args.retries)) if value is not None}
    if args.allow_private:
        links["allow_private"] = True
    cache: dict[str, Any] = {}
    if args.no_cache:
        cache["enabled"] = False
    if args.cache is not None:
        cache["path"] = args.cache
    if args.max_cache_age is not None:
        good, _, bad = args.max_cache_age.partition(",")
        cache["max_age_good"] = _seconds(good)
        cache["max_age_bad"] = _seconds(bad) if bad else cache["max_age_good"]
    fix_top, fix_links = fix_options.overrides(args)
    top.update(fix_top)
    links.update(fix_links)
    try:
        return config.replace(settings, top=top, links=links, cache=cache)
    except ValueError as exc:
        raise UsageError(f"invalid option: {exc}") from exc


def _seconds(text: str) -> float:
    match = _DURATION.match(text)
    if match is None:
        raise UsageError(f"--max-cache-age: cannot read {text!r} as a duration; write e.g. 7d, 12h, 30m or 90s")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


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
        files = tuple(changed_since(args.changed_since, settings.paths))
    elif args.files_from:
        files = tuple(files_from(args.files_from))
    shard = parse_shard(args.shard, total=args.shard_total) if args.shard else None
    if shard is not None and files is not None:
        raise UsageError("--shard splits a whole-corpus audit; it does not combine with --changed-since/--files-from")
    output_dir = getattr(args, "output_dir", None)
    return pipeline.Scope(files, shard, skip_dirs=(output_dir,) if output_dir is not None else ())


def _run(args: argparse.Namespace) -> tuple[RunResult, Interruption]:
    settings = settings_from(args)
    if not args.paths and not all(p.exists() for p in settings.paths):
        raise UsageError(f"no seeds/ folder here ({Path.cwd()}); name the seed files or folders to check")
    scope = _scope(args, settings)
    interruption = Interruption()
    with interruption.installed():
        result = pipeline.run(settings, scope=scope, progress=None if args.quiet else ProgressDisplay(),
                              interruption=interruption)
    return result, interruption


def _check_command(args: argparse.Namespace) -> int:
    formats = [name.strip() for name in args.format.split(",") if name.strip()]
    unknown = [name for name in formats if name not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"--format: unknown format {', '.join(unknown) or '(none)'}; "
                         f"choose from {', '.join(FORMATS)}")
    accepted = baseline_file.load(args.baseline) if args.baseline else None
    previous = _read_report(args.previous) if args.previous else None
    fix_request = fix_options.fix_options(args)
    result, interruption = _run(args)
    if accepted is not None:
        result.baseline_keys, result.baseline_file = accepted.keys, accepted.path
    fixing = apply_fixes(result, settings_from(args), fix_request, interrupted=interruption.requested)
    since = diff_reports(previous, json.loads("".join(json_report.render(result)))) if previous else None
    fail_on = _FAIL_ON[args.fail_on]
    written = write_reports(result, formats, ReportContext(args.output_dir, fail_on, since, fixing))
    items = problems(result)
    if fixing.mode is Mode.DIFF:
        sys.stdout.write(fixing.diff)  # only the diff on stdout: it can be piped to `git apply`
    if not args.quiet:
        _print_outcome(result, items, written, fixing)
    if interruption.requested:
        print(f"seed-validator: interrupted; {', '.join(map(str, written))} hold what was found so far "
              "(complete: false). Run again to pick up from the cache.", file=sys.stderr)
        return interruption.exit_code
    if fixing.mode is Mode.DIFF:
        return EXIT_FINDINGS if fixing.changed_files else EXIT_OK
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
    changes = diff_reports(_read_report(args.old), _read_report(args.new))
    text = "".join(render_diff(changes, heading=f"# Changes from {args.old} to {args.new}"))
    write_atomic(args.output, [text])
    sys.stdout.write(text)
    return EXIT_OK


def _merge_command(args: argparse.Namespace) -> int:
    merged = merge_reports([_read_report(path) for path in args.reports], [str(p) for p in args.reports])
    write_atomic(args.output_dir / "report.json", [json.dumps(merged, indent=2, ensure_ascii=False) + "\n"])
    write_reports(run_result(merged), ["md", "sarif"], ReportContext(args.output_dir))
    state = "complete" if merged["run"]["complete"] else "INCOMPLETE"
    print(f"merged {len(args.reports)} report(s): {merged['summary']['files']} file(s), "
          f"{merged['summary']['links']} link(s), {state}; written to {args.output_dir / 'report.json'}")
    for note in merged["run"]["notes"]:
        print(f"note: {note}")
    return EXIT_OK if merged["run"]["complete"] else EXIT_FINDINGS


def _read_report(path: Path) -> dict[str, Any]:
    report = read_json_object(path, "report", UsageError)
    if report.get("format_version") != 1:
        raise UsageError(f"{path} is not a seed-validator JSON report (format_version 1)")
    return report


def _print_outcome(result: RunResult, items: list[Any], written: list[Path], fixing: FixReport) -> None:
    fix_summary = fix_lines(fixing, result, sum(not p.baselined for p in items))
    if fixing.mode is Mode.DIFF:
        print("\n".join(fix_summary), file=sys.stderr)
        return
    for line in console.lines(items):
        print(line)
    for line in fix_summary:
        print(line)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in console.github_annotations(items):
            print(line)
    print(console.summary(result, items))
    for note in result.notes:
        print(f"note: {note}")
    print("reports: " + ", ".join(str(path) for path in written))
