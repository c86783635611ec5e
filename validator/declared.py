"""Every option of seed-validator, declared once: the one table the parser, the config reader and the README follow.

A row says the option's name (the config key, and the flag with `--`), kind, default, help, documented range,
where its value lives in Settings, and whether it is a flag, a config key or both. Settings (config.py) takes
its defaults from here. The order of the rows is the order of --help.
"""

from __future__ import annotations

from pathlib import Path

from . import __version__
from .baseline import DEFAULT_FILE as BASELINE_FILE
from .files import DEFAULT_MAX_BYTES
from .jsonfile import DEFAULT_MAX_BYTES as REPORT_MAX_BYTES
from .options import (
    HOST,
    Kind,
    Option,
    Range,
    allowed_entry,
    endpoint_url,
    header_value,
    http_url,
    path_glob,
    url_pattern,
)
from .seedfiles import DEFAULT_EXCLUDES
from .shard import MAX_SHARDS, TOTAL_ENV

SCOPE, LINKS, FIXES = "what to check", "link checking", "fixes"
_CONFIG = ("check", "baseline", "schema")
_CHECK = ("check",)
_REPORTS = ("check", "merge")  # the commands that write reports
_DAY, _MIB = 86400.0, 1 << 20
_NETWORKS = "a config file can be changed by a pull request, which must not open private networks to the checker"

OPTIONS: tuple[Option, ...] = (
    # -- what and how: every run --
    Option("paths", Kind.PATHS, (Path("seeds"),), "the seed folders, the corpus (searched for .txt/.md/.yaml/.yml); "
           "seed files named instead are checked against the corpus, which corpus-wide rules see whole",
           setting="paths", key=True, positional=True, nargs="*", metavar="PATH", file_relative=True),
    Option("offline", Kind.BOOL, False, "check structure and metadata only; fetch nothing", setting="offline"),
    Option("quiet", Kind.BOOL, False, "print the problems only: no progress, notes, counts or verdict (reports "
           "are still written)", short="-q"),
    Option("silent", Kind.BOOL, False, "print nothing but run-stopping errors (reports are still written; the exit "
           "code still says how the run went)"),
    Option("schema", Kind.PATH, None, "validate against this JSON Schema", setting="schema_path", key=True,
           commands=_CONFIG, metavar="FILE", shown="the built-in schema", file_relative=True),
    Option("config", Kind.PATH, None, "read settings from this TOML file", commands=_CONFIG, metavar="FILE",
           shown="the nearest seed-validator.toml, else [tool.seed-validator] in pyproject.toml, from the working "
           "directory up to the repository's top"),
    Option("config-file", Kind.PATH, None, "the configuration file read: --config, else the nearest "
           "seed-validator.toml or pyproject.toml with [tool.seed-validator] from the working directory up to the "
           "repository's top; named in the report's run.options", setting="config_file", flag=False,
           commands=_CONFIG),
    Option("max-file-size", Kind.INT, DEFAULT_MAX_BYTES, "larger files are reported, not read",
           setting="max_file_size", key=True, range=Range(1, 1024 * _MIB), metavar="BYTES"),
    # A flag only, never a config key: a pull request can change a config file, and must not make CI read
    # outside the checkout.
    Option("follow-symlinks", Kind.BOOL, False, "read what symlinks point to even outside the working tree (the "
           "git top-level, else the current directory); without it they are reported, not read",
           setting="follow_symlinks", untrusted_file="a config file can be changed by a pull request, which must "
           "not make CI read outside the checkout"),
    Option("future-tolerance-hours", Kind.FLOAT, 24.0, "how far in the future a publication date may lie",
           setting="future_tolerance_hours", flag=False, key=True, range=Range(0, 24 * 366)),
    Option("jobs", Kind.INT, None, "processes checking files: one per CPU when not set; 1: none, all in this "
           "process; at most 4 per CPU are started (a config file from a pull request cannot fork hundreds)",
           setting="jobs", key=True, range=Range(1, 1024), metavar="N"),
    # -- check's reports --
    Option("format", Kind.STR, None, "report formats, comma-separated: {formats}; or 'none' (console lines only, "
           "nothing written: the pre-commit hook)", commands=_REPORTS, metavar="LIST",
           shown="json,md for check, json,md,sarif for merge"),
    Option("output-dir", Kind.PATH, Path("reports"), "where reports are written", commands=_REPORTS,
           metavar="DIR", writes="dir"),
    Option("link-base", Kind.STR, None, "prefix file links in report.md and report.html with this http(s) URL "
           "(e.g. https://github.com/OWNER/REPO/blob/SHA/) instead of relative links", commands=_REPORTS,
           metavar="URL", check=http_url),
    Option("sarif-root", Kind.PATH, None, "paths in SARIF and Code Quality reports are relative to DIR",
           commands=_REPORTS, metavar="DIR",
           shown="the git top-level of the working directory, else the working directory"),
    Option("fail-on", Kind.STR, None, "the lowest severity that makes the exit code 1 (merge: of the merged "
           "report; an incomplete merge always exits 1)", commands=_REPORTS, choices=("error", "warning", "never"),
           shown="error for check, never for merge"),
    Option("baseline", Kind.PATH, None, "report the findings in this baseline separately and fail only on new "
           "ones", commands=("check",), metavar="FILE"),
    Option("previous", Kind.PATH, None, "a previous report.json: the Markdown report gets a 'since the previous "
           "run' section", commands=("check",), metavar="REPORT"),
    Option("max-report-size", Kind.INT, REPORT_MAX_BYTES, "larger report.json and baseline files (--previous, "
           "--baseline, --from-report, diff, merge) are refused, not read", commands=("check", "diff", "merge"),
           range=Range(1, 4096 * _MIB), metavar="BYTES"),
    # -- what to check --
    Option("changed-since", Kind.STR, None, "only seed files added or modified since this git ref (duplicates are "
           "still looked for in the whole corpus)", metavar="REF", group=SCOPE),
    Option("files-from", Kind.STR, None, "only the seed files listed in FILE, one per line ('-' for standard "
           "input)", metavar="FILE", group=SCOPE),
    Option("exclude-files", Kind.GLOBS, DEFAULT_EXCLUDES, "globs of files and folders that are not seeds, replacing "
           "the default (like ruff's exclude); a glob with '/' is relative to the config file's folder (a flag's: "
           "the working directory); a PATH named is checked anyway", setting="exclude_files", key=True,
           check=path_glob, file_relative=True, metavar="GLOB,...", group=SCOPE),
    Option("extend-exclude-files", Kind.GLOBS, (), "more globs of files and folders that are not seeds, added to "
           "exclude-files (like ruff's extend-exclude; the flag adds to the config file's)",
           setting="extend_exclude_files", key=True, check=path_glob, file_relative=True, accumulates=True,
           metavar="GLOB,...", group=SCOPE),
    Option("allow-empty", Kind.BOOL, False, "exit 0 when the paths hold no seed file (without it: exit 2, 'no seed "
           "files under PATH')", setting="allow_empty", key=True, group=SCOPE),
    Option("shard", Kind.STR, None, "check shard K of N: the links of the hosts that hash to it and its share of "
           "files; 'auto' reads GitLab (CI_NODE_INDEX/CI_NODE_TOTAL) or a Kubernetes Indexed Job "
           "(JOB_COMPLETION_INDEX)", metavar="K/N", group=SCOPE),
    Option("shard-total", Kind.INT, None, f"with --shard auto under Kubernetes: the number of shards (or "
           f"{TOTAL_ENV})", range=Range(1, MAX_SHARDS), metavar="N", group=SCOPE),
    # -- link checking --
    Option("concurrency", Kind.INT, 64, "requests in flight at once", setting="links.concurrency", key=True,
           range=Range(1, 1000), metavar="N", group=LINKS),
    Option("per-host", Kind.INT, 2, "requests in flight per host", setting="links.per_host", key=True,
           range=Range(1, 100), metavar="N", group=LINKS),
    Option("host-interval", Kind.FLOAT, 0.0, "seconds between request starts on one host",
           setting="links.host_interval", flag=False, key=True, range=Range(0, 3600)),
    Option("timeout", Kind.FLOAT, 20.0, "total deadline for one URL in seconds, retries included",
           setting="links.timeout", key=True, range=Range(0, 3600, above=True), metavar="SECONDS", group=LINKS),
    Option("connect-timeout", Kind.FLOAT, 10.0, "seconds to resolve and connect", setting="links.connect_timeout",
           flag=False, key=True, range=Range(0, 600, above=True)),
    Option("retries", Kind.INT, 2, "extra attempts after a timeout, reset or 5xx", setting="links.retries",
           key=True, range=Range(0, 20), metavar="N", group=LINKS),
    Option("retry-after-cap", Kind.FLOAT, 60.0, "longest Retry-After wait honoured, in seconds",
           setting="links.retry_after_cap", flag=False, key=True, range=Range(0, 3600)),
    Option("max-redirects", Kind.INT, 10, "redirects followed per URL", setting="links.max_redirects",
           flag=False, key=True, range=Range(0, 50)),
    Option("max-body-bytes", Kind.INT, 2 * _MIB, "read at most this much of a body (after decompression)",
           setting="links.max_body_bytes", flag=False, key=True, range=Range(1, 256 * _MIB)),
    Option("host-failure-limit", Kind.INT, 5,
           "connection failures in a row before an origin (scheme, host, port) is given up",
           setting="links.host_failure_limit", flag=False, key=True, range=Range(1, 10_000)),
    Option("user-agent", Kind.STR, f"seed-validator/{__version__} (link checker; "
           "+https://pypi.org/project/seed-validator/)", "the User-Agent header sent", setting="links.user_agent",
           flag=False, key=True, check=header_value, shown="seed-validator/VERSION (link checker; +URL)"),
    Option("accept", Kind.INTS, (), "status codes to count as ok", setting="links.accept", flag=False, key=True,
           range=Range(100, 999), items="HTTP status codes"),
    Option("include", Kind.STRS, (), "URL patterns (RE2): check only the URLs matching one",
           setting="links.include", flag=False, key=True, check=url_pattern),
    Option("exclude", Kind.STRS, (), "URL patterns (RE2): skip the URLs matching one", setting="links.exclude",
           flag=False, key=True, check=url_pattern),
    Option("hosts", Kind.HOSTS, {}, "per-host overrides: a [hosts.\"NAME\"] table per host, keys below",
           setting="links.hosts", flag=False, key=True),
    # Flags only, never config keys: a pull request can change a config file, and must not open the private
    # networks CI runs in (cloud metadata, intranets) to the checker.
    Option("allow-private", Kind.BOOL, False, "allow connections to loopback, private and link-local addresses "
           "(intranets, tests)", setting="links.allow_private", group=LINKS, untrusted_file=_NETWORKS),
    Option("allow-networks", Kind.STRS, (), "a network (CIDR) or host name that may be private; repeat for more",
           setting="links.allow_networks", check=allowed_entry, group=LINKS, metavar="NET",
           untrusted_file=_NETWORKS),
    Option("soft-404-probe", Kind.BOOL, True, "ask each section of each site once for a path that cannot exist "
           "(soft-404 and catch-all pages); the flag turns it off: no page is judged against a made-up URL's (a "
           "walled or misjudged site; per host: soft-404-probe = false in its [hosts.\"NAME\"] table)",
           setting="links.soft_404_probe", key=True, flag_name="no-soft-404-probe", group=LINKS),
    Option("persistent-checks", Kind.INT, 3, "runs without a verdict after which a link is dead",
           setting="links.persistent_checks", flag=False, key=True, range=Range(1, 1000)),
    Option("persistent-days", Kind.FLOAT, 2.0, "days those runs must span at least", setting="links.persistent_days",
           flag=False, key=True, range=Range(0, 3650)),
    Option("cache", Kind.PATH, Path(".seed-validator/cache.sqlite"),
           "link cache (SQLite file, or a folder for one); its folder also keeps the article index",
           setting="cache.path", key=True, metavar="PATH", group=LINKS, file_relative=True),
    Option("no-cache", Kind.BOOL, True, "neither read nor write the link cache nor the article index",
           setting="cache.enabled",
           group=LINKS),
    Option("max-cache-age", Kind.DURATIONS, None, "reuse cached verdicts younger than this, e.g. 7d,1d (s, m, h, d)",
           setting=("cache.max_age_good", "cache.max_age_bad"), range=Range(0, 365 * _DAY), metavar="GOOD[,BAD]",
           group=LINKS),
    Option("cache-max-age-good", Kind.FLOAT, 7 * _DAY, "seconds a good verdict is reused",
           setting="cache.max_age_good", flag=False, key=True, range=Range(0, 365 * _DAY)),
    Option("cache-max-age-bad", Kind.FLOAT, _DAY, "seconds a bad verdict is reused", setting="cache.max_age_bad",
           flag=False, key=True, range=Range(0, 365 * _DAY)),
    # -- fixes (check --fix/--diff) and archived copies of dead links --
    Option("fix", Kind.BOOL, False, "apply every safe fix in place (minimal edits: comments, quoting and layout "
           "stay)", commands=_CHECK, group=FIXES),
    Option("diff", Kind.BOOL, False, "print the fixes as a unified diff instead of applying them; exit 1 if any",
           commands=_CHECK, group=FIXES),
    Option("unsafe-fixes", Kind.BOOL, False, "with --fix or --diff, also the fixes that need judgement: archived "
           "copies of dead links (asks the web archive), redirects to another site, removing empty topic items",
           commands=_CHECK, group=FIXES),
    Option("from-report", Kind.PATH, None, "fix links from this report.json's verdicts instead of fetching them "
           "(implies --offline for this run)", commands=_CHECK, metavar="REPORT", group=FIXES),
    Option("suggest-archived", Kind.BOOL, False, "ask the web archive for a snapshot of each dead or soft-dead "
           "link", setting="links.suggest_archived", key=True, commands=_CHECK, group=FIXES),
    Option("archive-endpoint", Kind.STR, "https://archive.org/wayback/available", "the web archive's availability "
           "API (the Wayback Machine's, or a self-hosted archive's)", setting="links.archive_endpoint", key=True,
           commands=_CHECK, check=endpoint_url, metavar="URL", group=FIXES),
    Option("archive-timeout", Kind.FLOAT, 10.0, "seconds for one question to the web archive",
           setting="links.archive_timeout", flag=False, key=True, range=Range(0, 600, above=True)),
    # -- [hosts."name"] tables --
    Option("per-host", Kind.INT, None, "requests in flight to this host", setting=HOST + "per_host", flag=False,
           key=True, range=Range(0, 100, above=True)),
    Option("host-interval", Kind.FLOAT, None, "seconds between request starts on this host",
           setting=HOST + "host_interval", flag=False, key=True, range=Range(0, 3600, above=True)),
    Option("timeout", Kind.FLOAT, None, "deadline for one URL of this host", setting=HOST + "timeout", flag=False,
           key=True, range=Range(0, 3600, above=True)),
    Option("soft-404-probe", Kind.BOOL, None, "false: this host's pages are never compared with a made-up URL's "
           "(a walled or misjudged site)", setting=HOST + "soft_404_probe", flag=False, key=True),
    # -- the other commands --
    Option("output", Kind.PATH, Path(BASELINE_FILE), "where the baseline is written", commands=("baseline",),
           short="-o", metavar="FILE", writes="file"),
    Option("old", Kind.PATH, None, "the earlier report.json", commands=("diff",), positional=True,
           metavar="OLD.json"),
    Option("new", Kind.PATH, None, "the later report.json", commands=("diff",), positional=True, metavar="NEW.json"),
    Option("output", Kind.PATH, Path("reports/diff.md"), "where the Markdown is written", commands=("diff",),
           short="-o", metavar="FILE", writes="file"),
    Option("reports", Kind.PATHS, None, "the report.json of each shard", commands=("merge",), positional=True,
           nargs="+", metavar="REPORT"),
    Option("content", Kind.BOOL, False, "print the schema itself", commands=("schema",)),
)

# Config-file keys: top level, and inside a [hosts."name"] table.
FILE_KEYS = {o.name: o for o in OPTIONS if o.key and not str(o.setting).startswith(HOST)}
FLAGS_ONLY = {o.name: o for o in OPTIONS if o.untrusted_file}
HOST_KEYS = {o.name: o for o in OPTIONS if o.key and str(o.setting).startswith(HOST)}
# Settings path → the row whose rules its values follow.
AT_SETTING = {o.setting: o for o in OPTIONS if isinstance(o.setting, str)}
