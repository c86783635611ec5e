"""Command line: parse arguments, run the pipeline, write reports, map outcomes to exit codes (here only)."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__, config, pipeline
from .errors import ConfigError, UsageError, ValidatorError
from .models import RunResult, Severity
from .progress import ProgressDisplay
from .report import console
from .report.problems import at_or_above, problems
from .report.writer import FORMATS, write_reports
from .validate.schema import default_schema_path, load_schema

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3
_FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seed-validator",
        description="Validate news seed records: structure (JSON Schema + domain rules) and link health.",
        epilog="Exit codes: 0 nothing at or above --fail-on, 1 findings that fail, 2 usage or configuration "
               "error, 3 inconclusive (network unavailable). Settings can also live in seed-validator.toml "
               "or [tool.seed-validator] in pyproject.toml; flags override them.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = commands.add_parser(
        "check", help="validate seed files and check their links",
        description="Validate seed files (structure, metadata) and, unless --offline, check every link.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="seed files or folders (folders are searched for .txt/.md/.yaml/.yml) "
                            "[default: seeds/]")
    check.add_argument("--offline", action="store_true",
                       help="check structure and metadata only; fetch nothing")
    check.add_argument("--format", default="json,md", metavar="LIST",
                       help=f"report formats, comma-separated: {','.join(FORMATS)}")
    check.add_argument("--output-dir", type=Path, default=Path("reports"), metavar="DIR",
                       help="where reports are written")
    check.add_argument("--fail-on", choices=list(_FAIL_ON), default="error",
                       help="the lowest severity that makes the exit code 1")
    check.add_argument("--quiet", "-q", action="store_true",
                       help="print nothing but run-stopping errors (reports are still written)")
    check.add_argument("--schema", type=Path, metavar="FILE", help="validate against this JSON Schema")
    check.add_argument("--config", type=Path, metavar="FILE",
                       help="read settings from this TOML file (default: seed-validator.toml or pyproject.toml)")
    check.add_argument("--max-file-size", type=int, metavar="BYTES",
                       help=f"larger files are reported, not read [default: {config.DEFAULT_MAX_BYTES}]")
    links = check.add_argument_group("link checking")
    links.add_argument("--concurrency", type=int, metavar="N", help="requests in flight at once [default: 64]")
    links.add_argument("--per-host", type=int, metavar="N", help="requests in flight per host [default: 2]")
    links.add_argument("--timeout", type=float, metavar="SECONDS",
                       help="total deadline for one URL, retries included [default: 20]")
    links.add_argument("--retries", type=int, metavar="N",
                       help="extra attempts after a timeout, reset or 5xx [default: 2]")
    links.add_argument("--allow-private", action="store_true",
                       help="allow connections to loopback, private and link-local addresses "
                            "(intranets, tests)")
    links.add_argument("--cache", type=Path, metavar="PATH",
                       help="link cache (SQLite) [default: .seed-validator/cache.sqlite]")
    links.add_argument("--no-cache", action="store_true", help="neither read nor write the link cache")
    links.add_argument("--max-cache-age", metavar="GOOD[,BAD]",
                       help="reuse cached verdicts younger than this, e.g. 7d,1d (s, m, h, d) "
                            "[default: 7d,1d]")

    schema = commands.add_parser("schema", help="print the path (or content) of the schema in use",
                                 description="Print the path of the seed JSON Schema in use.")
    schema.add_argument("--content", action="store_true", help="print the schema itself")
    schema.add_argument("--schema", type=Path, metavar="FILE", help=argparse.SUPPRESS)
    schema.add_argument("--config", type=Path, metavar="FILE", help="read settings from this TOML file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "schema":
            return _schema_command(args)
        return _check_command(args)
    except ValidatorError as exc:
        print(f"seed-validator: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("seed-validator: interrupted", file=sys.stderr)
        return 130


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
        print(path if settings.schema_path else default_schema_path())
    return EXIT_OK


def _check_command(args: argparse.Namespace) -> int:
    formats = [name.strip() for name in args.format.split(",") if name.strip()]
    unknown = [name for name in formats if name not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"--format: unknown format {', '.join(unknown) or '(none)'}; "
                         f"choose from {', '.join(FORMATS)}")
    settings = settings_from(args)
    missing = [str(p) for p in settings.paths if not p.exists()]
    if missing and not args.paths:
        raise UsageError(f"no seeds/ folder here ({Path.cwd()}); name the seed files or folders to check")
    result = pipeline.run(settings, progress=None if args.quiet else ProgressDisplay())
    fail_on = _FAIL_ON[args.fail_on]
    written = write_reports(result, formats, args.output_dir, fail_on=fail_on)
    items = problems(result)
    if not args.quiet:
        _print_outcome(result, items, written)
    if result.inconclusive:
        return EXIT_INCONCLUSIVE
    return EXIT_FINDINGS if at_or_above(items, fail_on) else EXIT_OK


def _print_outcome(result: RunResult, items: list[Any], written: list[Path]) -> None:
    for line in console.lines(items):
        print(line)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in console.github_annotations(items):
            print(line)
    print(console.summary(result, items))
    print("reports: " + ", ".join(str(path) for path in written))
