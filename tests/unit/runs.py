"""Run results built by hand for the report tests: findings, links of every status, a baseline, a shard."""

from __future__ import annotations

from typing import Any

from validator.models import Finding, LinkEntry, LinkKind, LinkResult, LinkStatus, Occurrence, RunResult, Severity
from validator.urls import normalise


def link(url: str, status: LinkStatus, *occurrences: Occurrence, kind: LinkKind = LinkKind.PAGE,
         warnings: tuple[str, ...] = (), **details: Any) -> LinkEntry:
    entry = LinkEntry(url, kind, list(occurrences))
    entry.result = LinkResult(url, kind, status, f"why {status}", warnings=warnings, **details)
    return entry


def add(result: RunResult, *entries: LinkEntry) -> RunResult:
    for entry in entries:
        result.links[normalise(entry.url)] = entry
    return result


def rich_run() -> RunResult:
    """A run with something in every field a report holds; its lists in report order."""
    result = RunResult(
        tool_version="1.2.3", started_at="2026-03-01T10:00:00Z", finished_at="2026-03-01T10:05:00Z",
        complete=False, inconclusive=True, options={"offline": False, "accept": [200, 204], "cache": None},
        files=3, records=2, checked_files=["seeds/a.txt", "seeds/b.txt", "seeds/c.txt"],
        published_years={"seeds/a.txt": 2019, "seeds/b.txt": 2021, "seeds/other.txt": 2015},
        shard=(2, 3), interrupted=True, notes=["the network was unavailable", "<b>markup</b> stays text"],
        baseline_file="baseline.json")
    result.findings = [
        Finding("seeds/a.txt", 3, 5, "/title", "schema/type", Severity.ERROR, "'x' is not of type 'integer'"),
        Finding("seeds/a.txt", 9, 1, "/topics/1", "seed/null-topic", Severity.WARNING, "null topic \u2028 é"),
        Finding("seeds/c.txt", None, None, "", "yaml/syntax", Severity.ERROR, "invalid YAML"),
    ]
    here, there = Occurrence("seeds/a.txt", "/webUrl", 7), Occurrence("seeds/other.txt", "/related/0/webUrl", 12)
    for n, status in enumerate(LinkStatus):
        occurrences = (Occurrence("seeds/b.txt", f"/related/{n}/webUrl", 20 + n), *((there,) if n == 2 else ()))
        add(result, link(f"https://h{n % 3}.example/p{n}", status, *occurrences, http_status=200 + n,
                         final_url=f"https://h{n % 3}.example/final" if n % 2 else None,
                         redirects=(f"https://h{n % 3}.example/p{n}", f"https://h{n % 3}.example/final") if n % 2
                         else (), attempts=n, elapsed_ms=10 * n, checked_at="2026-03-01T10:01:00Z",
                         from_cache=n == 4))
    add(result, link("https://img.example/a.png", LinkStatus.MISMATCH, here, kind=LinkKind.IMAGE,
                     warnings=("declared 10x10, served 20x20",)))
    result.baseline_keys = frozenset({
        ("seeds/a.txt", "/title", "schema/type", ""),  # a finding still there
        ("seeds/a.txt", "/webUrl", "link/mismatch", "https://img.example/a.png"),  # a link problem still there
        ("seeds/a.txt", "/webUrl", "link/warning", "https://img.example/a.png"),  # a link warning still there
        ("seeds/b.txt", "/gone", "schema/required", ""),  # fixed: its file was checked, the problem is gone
    })
    return result
