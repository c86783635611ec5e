"""A JSON report read back into a RunResult, so reports merged from shards render like any other."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..models import ArchivedCopy, Finding, LinkEntry, LinkKind, LinkResult, LinkStatus, Occurrence, RunResult, Severity
from ..urls import plain_http_url


def run_result(report: Mapping[str, Any]) -> RunResult:
    run, summary = report["run"], report["summary"]
    result = RunResult(
        tool_version=report["tool"]["version"], started_at=run["started_at"], finished_at=run["finished_at"],
        complete=run["complete"], inconclusive=run["inconclusive"], options=dict(run["options"]),
        files=summary["files"], records=summary["records"], notes=list(run.get("notes", [])),
        interrupted=None, shard=None)
    result.findings = [Finding(v["file"], v["line"], v["column"], v["pointer"], v["rule"], Severity(v["severity"]),
                               v["message"]) for v in report["violations"]]
    for link in report["links"]:
        kind = LinkKind(link["kind"])
        entry = LinkEntry(link["url"], kind, [Occurrence(o["file"], o["pointer"], o["line"])
                                              for o in link["occurrences"]])
        entry.result = LinkResult(
            url=link["url"], kind=kind, status=LinkStatus(link["status"]), reason=link["reason"],
            http_status=link["http_status"], final_url=link["final_url"], redirects=tuple(link["redirects"]),
            attempts=link["attempts"], elapsed_ms=link["elapsed_ms"], checked_at=link["checked_at"],
            from_cache=link["from_cache"], warnings=tuple(link.get("warnings", [])))
        archived = link.get("archived")
        if isinstance(archived, dict) and plain_http_url(str(archived.get("url"))):
            entry.archived = ArchivedCopy(archived["url"], archived["timestamp"])
        result.links[link["url"]] = entry
    return result
