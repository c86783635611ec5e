"""The HTML report: one self-contained page (inline CSS, JS and SVG) for the person fixing a corpus.

Rendered through a Jinja2 template with autoescaping; the findings and links travel as JSON that the
page's script turns into filterable, sortable tables using textContent only, so nothing from a seed
or a server can become markup.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..models import LinkEntry, LinkKind, LinkStatus, RunResult, Severity
from ..urls import host_of
from .context import ReportInput


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    share: float  # of the longest bar, 0..1
    note: str = ""
    css: str = ""


def _environment() -> Environment:
    templates = resources.files("validator.report") / "templates"
    return Environment(loader=FileSystemLoader(str(templates)), autoescape=select_autoescape(default=True),
                       trim_blocks=True, lstrip_blocks=True)


def render(report: ReportInput) -> Iterator[str]:
    template = _environment().get_template("report.html.j2")
    yield from template.generate(**context(report))


def context(report: ReportInput) -> dict[str, Any]:
    result = report.result
    counts = result.count_links()
    findings = result.count_findings()
    links = [e for e in result.sorted_links() if e.result is not None]
    # A card for every status that counts against CI, most urgent first.
    link_cards = [("links", len(links), ""), *((status.value, counts[status], status.value)
                                               for status in LinkStatus.by_urgency() if status.severity)]
    return {
        "result": result,
        "duration": _duration(result.started_at, result.finished_at),
        "links_checked": result.links_checked,
        "cards": [
            ("records", result.records, ""), *(link_cards if result.links_checked else []),
            ("errors", findings[Severity.ERROR], "error"), ("warnings", findings[Severity.WARNING], "warning"),
        ],
        "status_bars": _bars([(s.value, counts[s]) for s in LinkStatus if counts[s]], css_by_label=True),
        "host_bars": _bars(Counter(host_of(e.url) or "?" for e in links if e.result and e.result.status.is_broken)
                           .most_common(10)),
        "year_bars": _year_bars(result),
        "rule_bars": _bars(Counter(f.rule for f in result.findings).most_common(12)),
        "since": report.since,
        "options": sorted(result.options.items()),
        "statuses": list(LinkStatus),
        "kinds": list(LinkKind),
        "data": _json_for_script({
            "linkBase": report.link_base,
            "findings": [{"file": p.file, "line": p.line, "column": p.column, "pointer": p.pointer, "rule": p.rule,
                          "severity": p.severity.value, "message": p.message, "baselined": p.baselined}
                         for p in report.problems if p.url == ""],
            "links": [_link_row(e) for e in links],
            # The status vocabulary as data: the page's filters and sorting ask it, they keep no list of their own.
            "statuses": [{"name": s.value, "broken": s.is_broken, "urgency": s.urgency, "meaning": s.meaning,
                          "severity": s.severity.value if s.severity else None} for s in LinkStatus],
        }),
    }


def _link_row(entry: LinkEntry) -> dict[str, Any]:
    outcome = entry.result
    assert outcome is not None
    return {
        "url": entry.url, "kind": outcome.kind.value, "status": outcome.status.value, "host": host_of(entry.url) or "",
        "http": outcome.http_status, "final": outcome.final_url, "redirects": list(outcome.redirects),
        "reason": outcome.reason, "warnings": list(outcome.warnings), "cached": outcome.from_cache,
        "kinds": [{"kind": v.kind.value, "status": v.status.value} for v in outcome.per_kind()],
        "occurrences": [{"file": o.file, "line": o.line, "pointer": o.pointer, "kind": entry.kind_of(o).value}
                        for o in entry.occurrences],
    }


def _bars(pairs: list[tuple[str, int]], *, css_by_label: bool = False) -> list[Bar]:
    top = max((value for _, value in pairs), default=0) or 1
    return [Bar(label, value, value / top, css=label if css_by_label else "") for label, value in pairs]


def _year_bars(result: RunResult) -> list[Bar]:
    """Share of links broken, by the publication year of the records they appear in."""
    total: Counter[int] = Counter()
    broken: Counter[int] = Counter()
    for entry in result.links.values():
        if entry.result is None or not entry.result.status.is_checked:
            continue
        for year in {result.published_years.get(o.file) for o in entry.occurrences} - {None}:
            assert year is not None
            total[year] += 1
            broken[year] += entry.result.status.is_broken
    return [Bar(str(year), broken[year], broken[year] / total[year], f"{broken[year]} of {total[year]}")
            for year in sorted(total)]


def _json_for_script(data: Any) -> Markup:
    """JSON safe inside <script type="application/json">: '<', '>' and '&' escaped as JSON escapes,
    so no value can close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))  # escaped above


def _duration(started: str, finished: str) -> str:
    try:
        seconds = (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
    except ValueError:
        return ""
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"
