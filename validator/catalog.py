"""Every rule id a report can name, with a one-line description (SARIF rules, Markdown legends)."""

from __future__ import annotations

import contextlib

from .models import LinkStatus
from .validate import duplicates
from .validate.rules import RULES

LOAD_RULES: dict[str, str] = {
    "yaml/unreadable": "the file could not be read",
    "yaml/too-large": "the file is larger than the configured limit",
    "yaml/encoding": "the file is not valid UTF-8",
    "yaml/empty": "the file or its front matter is empty",
    "yaml/front-matter": "the record must stand between a first '---' line and a closing '---' line",
    "yaml/syntax": "the front matter is not valid YAML",
    "yaml/alias": "YAML anchors and aliases are not allowed",
    "yaml/not-mapping": "the record must be a mapping of fields",
    "yaml/duplicate-key": "a key appears twice in one mapping; YAML keeps only the last value",
}


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
        with contextlib.suppress(ValueError):  # link/warning and unknown ids: described by their id
            return LinkStatus(rule_id.removeprefix("link/")).meaning
    return rule_id

