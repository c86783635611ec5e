"""Every rule id a report can name: a one-line description, how to fix it, and where it is documented.

SARIF rules (help text, helpUri), Markdown legends and docs/rules.md all read it from here.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from .models import LinkStatus, Severity
from .problems import LINK_WARNING_RULE
from .validate import duplicates
from .validate.rules import RULES

DISTRIBUTION = "seed-validator"
RULES_DOC = "docs/rules.md"
SCHEMA_ANCHOR = "schema"

LOAD_RULES: dict[str, str] = {
    "yaml/unreadable": "the file or folder could not be read (missing, no permission, a path too long to open)",
    "yaml/not-a-file": "not a regular file (a FIFO, device or socket): never opened",
    "yaml/outside-tree": "the path or a symlink on it leads outside the working tree: not read",
    "yaml/too-large": "the file is larger than the configured limit (never read past it), or its record holds "
                      "more than 100,000 values",
    "yaml/encoding": "the file is not valid UTF-8",
    "yaml/empty": "the file or its front matter is empty",
    "yaml/front-matter": "the record must stand between a first '---' line and a closing '---' line",
    "yaml/syntax": "the front matter is not valid YAML",
    "yaml/alias": "YAML anchors and aliases are not allowed",
    "yaml/not-mapping": "the record must be a mapping of fields",
    "yaml/duplicate-key": "a key appears twice in one mapping; YAML keeps only the last value",
    "internal/error": "the validator failed on this file (a bug to report): the file was not fully checked",
}

LINK_WARNING = ("the link answered, but the answer cannot be fully trusted (e.g. the host serves the same page "
                "for paths that do not exist)")

# The link statuses that are problems (they count against --fail-on), most urgent first.
LINK_RULE_IDS = tuple(status.rule_id for status in LinkStatus.by_urgency() if status.severity is not None)

# How to fix what each rule reports: one line, shown as SARIF help and in docs/rules.md.
FIXES: dict[str, str] = {
    "yaml/unreadable": "Check that the file or folder exists, is readable by the user running the check, and that "
                       "its path is not too long to open.",
    "yaml/not-a-file": "Replace the FIFO, device or socket with a regular seed file, or move it out of the seed "
                       "folders.",
    "yaml/outside-tree": "Put the seed file itself in the repository instead of a symlink to elsewhere (or, for a "
                         "target you trust, run with --follow-symlinks).",
    "yaml/too-large": "Split the file, or raise the limit with --max-file-size (max-file-size in the config).",
    "yaml/encoding": "Save the file as UTF-8 (the message names the first bad byte and its offset).",
    "yaml/empty": "Write the record between the '---' lines, or delete the file.",
    "yaml/front-matter": "Start the file with a '---' line and close the record with another '---' line.",
    "yaml/syntax": "Fix the YAML at the line named (quote values holding ': ' or starting with '[', '{', '*').",
    "yaml/alias": "Write the value out in full instead of using '&anchor' and '*alias'.",
    "yaml/not-mapping": "Write the record as 'key: value' lines, not a list or a single value.",
    "yaml/duplicate-key": "Keep one of the two keys (both lines are named) and merge their values.",
    "internal/error": "Report the bug with the file that triggers it (the message names the exception); until "
                      "it is fixed, the file's other problems may go unreported.",
    "seed/amp-cache-url": "Set cdnAmpWebUrl to the AMP Cache URL the message gives, or remove it.",
    "seed/provider-domain": "Correct the URL or provider.domain so they name the same site.",
    "seed/future-date": "Correct publishedDateTime (check the year and the time zone offset).",
    "seed/related-date": "Correct the related item's date, or remove it if the date is unknown.",
    "seed/url-empty": "Fill in the URL or remove the field.",
    "seed/url-whitespace": "Remove the spaces, tabs or line breaks from the URL (percent-encode a real space).",
    "seed/url-scheme": "Write the full URL, starting with https:// (or http://).",
    "seed/url-malformed": "Correct the URL: an IPv6 address in brackets, a port from 0 to 65535, the host written "
                          "in plain characters (the message names the problem).",
    "seed/url-no-host": "Write the site's host after '//' (https://example.com/path).",
    "seed/url-mojibake": "Retype the characters shown (e.g. 'â€“' is an en dash) or copy the URL again from the page.",
    "seed/url-non-ascii": "Replace the URL with the percent-encoded form the message gives.",
    "seed/url-credentials": "Remove the user name and password from the URL; public links need none (rotate a "
                            "real secret that was committed).",
    "seed/null-topic": "Remove the empty '-' item from topics.",
    duplicates.RULE_ID: "Keep one of the two seed files (the message names the other), or correct its URL.",
    "link/redirected": "Replace the URL with the final URL the report gives.",
    "link/dead": "Replace the URL with the article's new address, an archived copy, or remove it.",
    "link/soft-dead": "Find the article's new address or an archived copy; the page served is not the article. If "
                      "the article opens in a browser, the site answers made-up URLs alike: set soft-404-probe = "
                      "false in its [hosts.\"NAME\"] table (or run with --no-soft-404-probe).",
    "link/mismatch": "Correct the URL or the declared details (image size, AMP URL) so they match what is served.",
    "link/blocked": "Check the link in a browser; if it works, accept it (accept = [403]) or exclude the host.",
    "link/error": "Run the check again later; a link failing in several runs is reported dead.",
    LINK_WARNING_RULE: "Open the link in a browser and check that it shows the article the record describes.",
    SCHEMA_ANCHOR: "Change the value at the JSON pointer named so it matches the schema (the message says how).",
}


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a report says about a rule: its description, how to fix it and where its documentation is."""

    id: str
    description: str
    fix: str
    anchor: str
    severity: Severity  # the severity its findings have (a link rule's: its status's)


def all_rules() -> list[RuleInfo]:
    """Every rule with a fixed id (schema/<keyword> rules are documented together under 'schema')."""
    ids = [*LOAD_RULES, *(r.id for r in RULES), duplicates.RULE_ID, *LINK_RULE_IDS, LINK_WARNING_RULE]
    return [info(rule_id) for rule_id in ids]


def info(rule_id: str) -> RuleInfo:
    anchor = SCHEMA_ANCHOR if rule_id.startswith("schema/") else rule_id.replace("/", "-")
    fix = FIXES.get(SCHEMA_ANCHOR if rule_id.startswith("schema/") else rule_id, "See the rule's documentation.")
    return RuleInfo(rule_id, describe(rule_id), fix, anchor, _severity(rule_id))


def _severity(rule_id: str) -> Severity:
    if rule_id in (duplicates.RULE_ID, LINK_WARNING_RULE):
        return Severity.WARNING
    for rule in RULES:
        if rule.id == rule_id:
            return rule.severity
    if rule_id.startswith("link/"):
        try:
            return LinkStatus(rule_id.removeprefix("link/")).severity or Severity.WARNING
        except ValueError:
            return Severity.WARNING
    return Severity.ERROR  # loading and schema findings


def describe(rule_id: str) -> str:
    """A one-line description of any rule id."""
    if rule_id in LOAD_RULES:
        return LOAD_RULES[rule_id]
    if rule_id == duplicates.RULE_ID:
        return duplicates.SUMMARY
    if rule_id == LINK_WARNING_RULE:
        return LINK_WARNING
    for rule in RULES:
        if rule.id == rule_id:
            return rule.summary
    if rule_id.startswith("schema/"):
        return f"the record violates the JSON Schema keyword '{rule_id.removeprefix('schema/')}'"
    if rule_id.startswith("link/"):
        with contextlib.suppress(ValueError):  # unknown ids: described by their id
            return LinkStatus(rule_id.removeprefix("link/")).meaning
    return rule_id


def homepage() -> str | None:
    """The project's URL from its installed metadata ([project.urls] Homepage in pyproject.toml)."""
    from importlib import metadata  # noqa: PLC0415  (~40 ms; only the reports that name the project need it)

    try:
        urls = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() == "homepage" and url.strip().startswith("https://"):
            return url.strip().rstrip("/")
    return None


def help_uri(rule_id: str, home: str | None) -> str | None:
    """The rule's section of docs/rules.md in the project's repository, when the project's URL is known."""
    return f"{home}/blob/main/{RULES_DOC}#{info(rule_id).anchor}" if home else None
