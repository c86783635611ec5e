"""The JSON report (docs: report-contract.md; schema: schemas/report.schema.json)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..baseline import fixed
from ..catalog import link_rule_id
from ..fix.model import FixReport, Mode
from ..models import LinkEntry, RunResult
from .fixes import archived_json, fixes_json, mark
from .problems import problems

FORMAT_VERSION = 1


def render(result: RunResult, fixes: FixReport | None = None) -> Iterator[str]:
    """The report as text chunks: links and violations are written one at a time, never as one string.

    What fixing did (the `fixes` object, `fix` marks) is written when fixes were applied or diffed: a plain
    check's report holds verdicts only, so shard reports merge into exactly the unsharded one.
    """
    fixes = fixes if fixes is not None and fixes.mode is not Mode.CHECK else None
    counts = result.count_findings()
    accepted = result.baseline_keys
    head: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "seed-validator", "version": result.tool_version},
        "run": {
            "started_at": result.started_at, "finished_at": result.finished_at,
            "complete": result.complete, "inconclusive": result.inconclusive,
            "links_checked": not result.options.get("offline", False),
            "options": result.options, "notes": result.notes,
            "interrupted": result.interrupted is not None,
            **({"shard": {"index": result.shard[0], "total": result.shard[1]}} if result.shard else {}),
        },
        "summary": {
            "files": result.files, "records": result.records,
            "links": sum(entry.result is not None for entry in result.links.values()),
            "violations": {severity.value: n for severity, n in counts.items()},
            "links_by_status": {status.value: n for status, n in result.count_links().items()},
        },
    }
    if accepted is not None:
        items = problems(result)
        head["baseline"] = {
            "file": result.baseline_file,
            "new": sum(not p.baselined for p in items), "baselined": sum(p.baselined for p in items),
            "fixed": [{"file": f, "pointer": p, "rule": r, **({"url": u} if u else {})}
                      for f, p, r, u in fixed(accepted, items, result.checked_files)],
        }
    if fixes is not None:
        head["fixes"] = fixes_json(fixes, sum(not p.baselined for p in problems(result)))
    yield json.dumps(head, indent=2, ensure_ascii=False)[:-2]  # reopen the object: '\n}' dropped
    yield ',\n  "violations": ['
    for index, finding in enumerate(result.sorted_findings()):
        item: dict[str, Any] = {
            "file": finding.file, "line": finding.line, "column": finding.column, "pointer": finding.pointer,
            "rule": finding.rule, "severity": finding.severity.value, "message": finding.message}
        if accepted is not None:
            item["baselined"] = (finding.file, finding.pointer, finding.rule, "") in accepted
        if (fix := mark(fixes, finding.file, finding.pointer, finding.rule)) is not None:
            item["fix"] = fix
        yield ("," if index else "") + "\n    " + json.dumps(item, ensure_ascii=False)
    yield '\n  ],\n  "links": ['
    for index, entry in enumerate(e for e in result.sorted_links() if e.result is not None):
        yield ("," if index else "") + "\n    " + json.dumps(link_json(entry, accepted, fixes), ensure_ascii=False)
    yield "\n  ]\n}\n"


def link_json(entry: LinkEntry, accepted: frozenset[tuple[str, str, str, str]] | None = None,
              fixes: FixReport | None = None) -> dict[str, Any]:
    outcome = entry.result
    assert outcome is not None
    rule = link_rule_id(outcome.status)
    occurrences: list[dict[str, Any]] = []
    for o in sorted(entry.occurrences, key=lambda o: (o.file, o.line or 0, o.pointer)):
        occurrence: dict[str, Any] = {"file": o.file, "pointer": o.pointer, "line": o.line}
        if accepted is not None and outcome.status.severity is not None:
            occurrence["baselined"] = (o.file, o.pointer, rule, entry.url) in accepted
        if (fix := mark(fixes, o.file, o.pointer, rule)) is not None:
            occurrence["fix"] = fix
        occurrences.append(occurrence)
    archived = {"archived": archived_json(entry.archived)} if entry.archived is not None else {}
    return {
        "url": entry.url, "kind": entry.kind.value, "status": outcome.status.value,
        "http_status": outcome.http_status, "final_url": outcome.final_url,
        "redirects": list(outcome.redirects), "reason": outcome.reason, "warnings": list(outcome.warnings),
        "attempts": outcome.attempts, "elapsed_ms": outcome.elapsed_ms, "checked_at": outcome.checked_at,
        "from_cache": outcome.from_cache, **archived, "occurrences": occurrences,
    }
