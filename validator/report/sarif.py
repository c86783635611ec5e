"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning and others).

Every rule carries help (what it checks, how to fix it) and a link to its documentation; every result has
a region (file-level findings: line 1) and a URI relative to the repository root (uriBaseId %SRCROOT%). A
result with a fix offered carries it as SARIF `fixes`, so code scanning and editors can apply it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..catalog import help_uri, homepage, info
from ..fix.model import Fix, FixReport
from ..models import Severity
from ..problems import Problem
from .context import ReportInput
from .locations import SourceRoot, fingerprint
from .summary import FINDINGS, LINK_PROBLEMS, LINKS, Summary

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
ROOT_ID = "%SRCROOT%"
FINGERPRINT = "seedValidator/v1"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def render(report: ReportInput) -> Iterator[str]:
    """report.source maps the report's file paths to the repository; the project's URL (documentation) comes
    from its installed metadata."""
    result, items = report.result, report.problems
    source, home = report.source or SourceRoot.at(), homepage()
    baseline = result.baseline_keys is not None
    rule_ids = sorted({p.rule for p in items})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    driver: dict[str, Any] = {"name": "seed-validator", "version": result.tool_version,
                              **({"informationUri": home} if home else {}),
                              "rules": [_rule(rule_id, home) for rule_id in rule_ids]}
    # An interrupted run did not execute successfully; the notes (an unavailable network, ...) as notifications.
    invocation: dict[str, Any] = {"executionSuccessful": result.complete, "startTimeUtc": result.started_at,
                                  "endTimeUtc": result.finished_at or result.started_at}
    if result.notes:
        invocation["toolExecutionNotifications"] = [{"level": "note", "message": {"text": note}}
                                                    for note in result.notes]
    run = {"tool": {"driver": driver}, "invocations": [invocation], "columnKind": "unicodeCodePoints",
           "originalUriBaseIds": {ROOT_ID: {"description": {"text": "the root of the repository"}}},
           "properties": {"summary": _summary(report.summary), "complete": result.complete,
                          "inconclusive": result.inconclusive}}
    head = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    text = json.dumps(head, indent=2, ensure_ascii=False)
    # Stream the results into the run object: reopen it before its closing brace.
    yield text[: text.rindex("}", 0, text.rindex("]"))].rstrip() + ',\n      "results": ['
    for n, p in enumerate(items):
        entry = _result(p, index[p.rule], source, baseline, report.fixes)
        yield ("," if n else "") + "\n        " + json.dumps(entry, ensure_ascii=False)
    yield "\n      ]\n    }\n  ]\n}\n"


def _rule(rule_id: str, home: str | None) -> dict[str, Any]:
    rule = info(rule_id)
    sentence = rule.description[0].upper() + rule.description[1:] + "."
    uri = help_uri(rule_id, home)
    more = f"\n\n[Documentation of {rule_id}]({uri})" if uri else ""
    return {
        "id": rule_id, "name": rule_id.replace("/", "-"),
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": sentence},
        "help": {"text": f"{sentence}\n\nHow to fix: {rule.fix}",
                 "markdown": f"**`{rule_id}`**: {sentence}\n\n**How to fix:** {rule.fix}{more}"},
        **({"helpUri": uri} if uri else {}),
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
    }


def _result(p: Problem, rule_index: int, source: SourceRoot, baseline: bool,
            fixes: FixReport | None = None) -> dict[str, Any]:
    uri, relative = source.uri(p.file)
    artifact = {"uri": uri, "uriBaseId": ROOT_ID} if relative else {"uri": uri}
    region = {"startLine": p.line or 1, **({"startColumn": p.column} if p.line and p.column else {})}
    fix = fixes.fix_for(p.file, p.pointer, p.rule) if fixes is not None else None
    return {
        "ruleId": p.rule, "ruleIndex": rule_index, "level": _LEVEL[p.severity],
        "message": {"text": p.message},
        "locations": [{
            "physicalLocation": {"artifactLocation": artifact, "region": region},
            "logicalLocations": [{"fullyQualifiedName": p.pointer or "/", "kind": "member"}],
        }],
        "partialFingerprints": {FINGERPRINT: fingerprint(p, source.relative(p.file) or p.file)},
        # SARIF's own word for a result a baseline accepts (only when the run had a baseline)
        **({"baselineState": "unchanged" if p.baselined else "new"} if baseline else {}),
        **({"fixes": fix_objects(fix, artifact)} if fix is not None else {}),
    }


def fix_objects(fix: Fix, artifact: dict[str, str]) -> list[dict[str, Any]]:
    """SARIF `fixes` for a result: the edits as replacements of line/column regions (code points, the
    file's text after any BOM) of the artifact (the result's own location); an empty insertion is a deletion."""
    replacements = []
    for region, edit in zip(fix.regions, fix.edits, strict=True):
        replacement: dict[str, Any] = {"deletedRegion": {
            "startLine": region.start_line, "startColumn": region.start_column,
            "endLine": region.end_line, "endColumn": region.end_column}}
        if edit.replacement:
            replacement["insertedContent"] = {"text": edit.replacement}
        replacements.append(replacement)
    return [{"description": {"text": f"{fix.title} ({fix.safety} fix: {fix.safety.command})"},
             "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
             "properties": {"safety": fix.safety.value}}]


def _summary(summary: Summary) -> dict[str, Any]:
    """The run's counts in the run's property bag, labelled as in every report (the results are the problems:
    structure findings and link problems)."""
    counts: dict[str, Any] = {"files": summary.files, "records": summary.records,
                              FINDINGS: {s.value: summary.findings[s] for s in Severity}}
    if summary.links_checked:
        counts[LINK_PROBLEMS] = {s.value: summary.link_problems[s] for s in Severity}
        counts[f"{LINK_PROBLEMS} by status"] = {s.value: n for s, n in summary.link_problems_by_status.items()}
        counts[LINKS] = {s.value: n for s, n in summary.links_by_status.items()}
    counts["baselined"] = summary.baselined
    return counts
