"""SARIF 2.1.0: for code-scanning dashboards (GitHub code scanning and others)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..catalog import describe
from ..models import Severity
from .context import ReportInput
from .summary import FINDINGS, LINK_PROBLEMS, LINKS, Summary

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/seed-validator/"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def render(report: ReportInput) -> Iterator[str]:
    result, items = report.result, report.problems
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
            "runs": [{"tool": {"driver": driver}, "invocations": [invocation], "columnKind": "unicodeCodePoints",
                      "properties": {"summary": _summary(report.summary)}}]}
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
        if result.baseline_keys is not None:  # SARIF's own word for a result a baseline accepts
            entry["baselineState"] = "unchanged" if p.baselined else "new"
        if p.line:
            region = {"startLine": p.line, **({"startColumn": p.column} if p.column else {})}
            entry["locations"][0]["physicalLocation"]["region"] = region
        yield ("," if n else "") + "\n        " + json.dumps(entry, ensure_ascii=False)
    yield "\n      ]\n    }\n  ]\n}\n"


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
