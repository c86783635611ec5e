"""SARIF 2.1.0: for code-scanning dashboards (GitHub code scanning and others)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..catalog import describe
from ..fix.model import Fix, FixReport
from ..models import RunResult, Severity
from .problems import problems

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/seed-validator/"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def render(result: RunResult, fixes: FixReport | None = None) -> Iterator[str]:
    items = problems(result)
    rule_ids = sorted({p.rule for p in items})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    driver = {
        "name": "seed-validator", "version": result.tool_version, "informationUri": INFORMATION_URI,
        "rules": [{"id": rule_id, "name": rule_id.replace("/", "-"),
                   "shortDescription": {"text": describe(rule_id)},
                   "fullDescription": {"text": describe(rule_id)}} for rule_id in rule_ids],
    }
    invocation = {"executionSuccessful": True, "startTimeUtc": result.started_at,
                  "endTimeUtc": result.finished_at or result.started_at}
    head = {"$schema": SCHEMA, "version": "2.1.0",
            "runs": [{"tool": {"driver": driver}, "invocations": [invocation], "columnKind": "unicodeCodePoints"}]}
    text = json.dumps(head, indent=2, ensure_ascii=False)
    # Stream the results into the run object: reopen it before its closing brace.
    yield text[: text.rindex("}", 0, text.rindex("]"))].rstrip() + ',\n      "results": ['
    for n, p in enumerate(items):
        entry: dict[str, Any] = {
            "ruleId": p.rule, "ruleIndex": index[p.rule], "level": _LEVEL[p.severity],
            "message": {"text": p.message},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": p.file, "uriBaseId": "%SRCROOT%"}},
                "logicalLocations": [{"fullyQualifiedName": p.pointer or "/", "kind": "member"}],
            }],
        }
        if p.line:
            region = {"startLine": p.line, **({"startColumn": p.column} if p.column else {})}
            entry["locations"][0]["physicalLocation"]["region"] = region
        fix = fixes.fix_for(p.file, p.pointer, p.rule) if fixes is not None else None
        if fix is not None:
            entry["fixes"] = fix_objects(fix)
        yield ("," if n else "") + "\n        " + json.dumps(entry, ensure_ascii=False)
    yield "\n      ]\n    }\n  ]\n}\n"


def fix_objects(fix: Fix) -> list[dict[str, Any]]:
    """SARIF `fixes` for a result: the edits as replacements of line/column regions (code points, the
    file's text after any BOM); an empty insertion is a deletion."""
    replacements = []
    for region, edit in zip(fix.regions, fix.edits, strict=True):
        replacement: dict[str, Any] = {"deletedRegion": {
            "startLine": region.start_line, "startColumn": region.start_column,
            "endLine": region.end_line, "endColumn": region.end_column}}
        if edit.replacement:
            replacement["insertedContent"] = {"text": edit.replacement}
        replacements.append(replacement)
    return [{"description": {"text": f"{fix.title} ({fix.safety} fix: {fix.safety.command})"},
             "artifactChanges": [{"artifactLocation": {"uri": fix.file, "uriBaseId": "%SRCROOT%"},
                                  "replacements": replacements}],
             "properties": {"safety": fix.safety.value}}]
