"""The JSON report (docs: report-contract.md; schema: schemas/report.schema.json)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..models import LinkEntry, RunResult

FORMAT_VERSION = 1


def render(result: RunResult) -> Iterator[str]:
    """The report as text chunks: links and violations are written one at a time, never as one string."""
    counts = result.count_findings()
    head = {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "seed-validator", "version": result.tool_version},
        "run": {
            "started_at": result.started_at, "finished_at": result.finished_at,
            "complete": result.complete, "inconclusive": result.inconclusive,
            "links_checked": not result.options.get("offline", False),
            "options": result.options, "notes": result.notes,
        },
        "summary": {
            "files": result.files, "records": result.records, "links": len(result.links),
            "violations": {severity.value: n for severity, n in counts.items()},
            "links_by_status": {status.value: n for status, n in result.count_links().items()},
        },
    }
    yield json.dumps(head, indent=2, ensure_ascii=False)[:-2]  # reopen the object: '\n}' dropped
    yield ',\n  "violations": ['
    for index, finding in enumerate(result.sorted_findings()):
        item = {"file": finding.file, "line": finding.line, "column": finding.column,
                "pointer": finding.pointer, "rule": finding.rule, "severity": finding.severity.value,
                "message": finding.message}
        yield ("," if index else "") + "\n    " + json.dumps(item, ensure_ascii=False)
    yield '\n  ],\n  "links": ['
    for index, entry in enumerate(e for e in result.sorted_links() if e.result is not None):
        yield ("," if index else "") + "\n    " + json.dumps(link_json(entry), ensure_ascii=False)
    yield "\n  ]\n}\n"


def link_json(entry: LinkEntry) -> dict[str, Any]:
    outcome = entry.result
    assert outcome is not None
    return {
        "url": entry.url, "kind": entry.kind.value, "status": outcome.status.value,
        "http_status": outcome.http_status, "final_url": outcome.final_url,
        "redirects": list(outcome.redirects), "reason": outcome.reason, "warnings": list(outcome.warnings),
        "attempts": outcome.attempts, "elapsed_ms": outcome.elapsed_ms, "checked_at": outcome.checked_at,
        "from_cache": outcome.from_cache,
        "occurrences": [{"file": o.file, "pointer": o.pointer, "line": o.line}
                        for o in sorted(entry.occurrences, key=lambda o: (o.file, o.line or 0, o.pointer))],
    }
