"""Every rule id a report can name, with a one-line description (SARIF rules, Markdown legends)."""

from __future__ import annotations

from .models import LinkStatus
from .validate import duplicates
from .validate.rules import RULES

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

LINK_RULES: dict[LinkStatus, str] = {
    LinkStatus.REDIRECTED: "the link is reachable only through a permanent redirect: update it to the final URL",
    LinkStatus.DEAD: "the link is provably gone (404/410, unknown host, or a redirect to one)",
    LinkStatus.SOFT_DEAD: "a 'gone' page served as success (redirect to the home page, a 200 'not found' page)",
    LinkStatus.MISMATCH: "the link is reachable but does not serve what the record says",
    LinkStatus.BLOCKED: "the server refused the checker (bot wall, 401/403/429): not known dead",
    LinkStatus.ERROR: "the link could not be verified (timeouts, resets, 5xx after retries, TLS)",
}


def link_rule_id(status: LinkStatus) -> str:
    return f"link/{status.value}"


def describe(rule_id: str) -> str:
    """A one-line description of any rule id."""
    if rule_id in LOAD_RULES:
        return LOAD_RULES[rule_id]
    if rule_id == duplicates.RULE_ID:
        return duplicates.SUMMARY
    for rule in RULES:
        if rule.id == rule_id:
            return rule.summary
    if rule_id.startswith("schema/"):
        return f"the record violates the JSON Schema keyword '{rule_id.removeprefix('schema/')}'"
    if rule_id.startswith("link/"):
        try:
            return LINK_RULES[LinkStatus(rule_id.removeprefix("link/"))]
        except (ValueError, KeyError):
            pass
    return rule_id

