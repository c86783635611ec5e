"""Shard reports → one report, as if one machine had checked everything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import UsageError
from ..models import LinkStatus

_SEVERITIES = ("error", "warning")


def merge_reports(reports: Sequence[Mapping[str, Any]], names: Sequence[str]) -> dict[str, Any]:
    """Combine shard reports. The result is complete only when every shard 1..N is present and finished."""
    if not reports:
        raise UsageError("merge needs at least one report")
    shards = []
    for report, name in zip(reports, names, strict=True):
        if report.get("format_version") != 1 or "run" not in report:
            raise UsageError(f"{name} is not a seed-validator JSON report")
        shard = report["run"].get("shard")
        if shard is None:
            raise UsageError(f"{name} is not a shard report (it was not written with --shard)")
        shards.append((shard["index"], shard["total"], name))
    totals = {total for _, total, _ in shards}
    if len(totals) != 1:
        raise UsageError(f"the reports come from different shard counts: {sorted(totals)}")
    total = totals.pop()
    indexes = [index for index, _, _ in shards]
    repeated = sorted({i for i in indexes if indexes.count(i) > 1})
    if repeated:
        raise UsageError(f"shard {repeated[0]} of {total} is given twice")
    missing = sorted(set(range(1, total + 1)) - set(indexes))
    runs = [r["run"] for r in reports]

    violations = sorted((v for r in reports for v in r["violations"]),
                        key=lambda v: (v["file"], v["line"] or 0, v["pointer"], v["rule"], v["message"]))
    links_by_url: dict[str, Any] = {}
    for report in reports:
        for link in report["links"]:
            links_by_url.setdefault(link["url"], link)
    links = [links_by_url[url] for url in sorted(links_by_url)]
    interrupted = any(run.get("interrupted") for run in runs)
    notes = list(dict.fromkeys(note for run in runs for note in run.get("notes", [])))
    if missing:
        notes.append(f"incomplete: shard(s) {', '.join(map(str, missing))} of {total} missing from the merge")
    first = reports[0]
    merged: dict[str, Any] = {
        "format_version": 1,
        "tool": first["tool"],
        "run": {
            "started_at": min(run["started_at"] for run in runs),
            "finished_at": max(run["finished_at"] for run in runs),
            "complete": not missing and not interrupted,
            "inconclusive": any(run["inconclusive"] for run in runs),
            "links_checked": all(run.get("links_checked", True) for run in runs),
            "options": runs[0]["options"],
            "notes": notes,
            "interrupted": interrupted,
        },
        "summary": {
            "files": sum(r["summary"]["files"] for r in reports),
            "records": sum(r["summary"]["records"] for r in reports),
            "links": len(links),
            "violations": {s: sum(v["severity"] == s for v in violations) for s in _SEVERITIES},
            "links_by_status": {s.value: sum(link["status"] == s.value for link in links) for s in LinkStatus},
        },
        "violations": violations,
        "links": links,
    }
    return merged
