"""The HTML report: one self-contained page (inline CSS, JS and SVG) for the person fixing a corpus.

Rendered through a Jinja2 template with autoescaping. The summary, the charts and the first rows of each
table are in the page itself (it reads without JavaScript); the findings and links also travel as JSON that
the page's script turns into whole, filterable, sortable tables using textContent only, so nothing from a
seed or a server can become markup. Only http(s) URLs become links (escape.web_link), file links are
percent-encoded relative paths (one `hrefs` map, computed once).
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

from ..fix.model import FixReport, Safety
from ..hrefs import file_uri_path, plain_http_url
from ..models import LinkEntry, LinkKind, LinkStatus, RunResult, Severity
from ..options import number_text
from ..problems import Problem
from ..urls import host_of
from . import fixes as fix_words
from . import headline
from .context import ReportInput
from .escape import UNSAFE_PATTERN, html_value, json_escaped, web_link
from .summary import FINDINGS, LINK_PROBLEMS, LINKS, Summary

FIRST_ROWS = 50  # rows of each table in the page itself, for a reader without JavaScript


@dataclass(frozen=True, slots=True)
class Card:
    key: str  # data-card
    label: str
    value: int
    css: str = ""


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
                       trim_blocks=True, lstrip_blocks=True, finalize=html_value)


def render(report: ReportInput) -> Iterator[str]:
    template = _environment().get_template("report.html.j2")
    yield from template.generate(**context(report))


def context(report: ReportInput) -> dict[str, Any]:
    result, summary, fixes = report.result, report.summary, report.fixes
    links = [e for e in result.sorted_links() if e.result is not None]
    findings = [_finding_row(p, fixes) for p in report.problems if p.url == ""]
    link_rows = [_link_row(e, fixes) for e in links]
    hrefs = _hrefs(report, links)
    return {
        "result": result,
        # the other reports of this run, named in the page only when written with it (never a stale file's name)
        "siblings": [name for name in report.written if name != "report.html"],
        "has_json": "report.json" in report.written,
        "duration": _duration(result.started_at, result.finished_at),
        "links_checked": result.links_checked,
        "inconclusive": headline.inconclusive(summary),
        "card_groups": _cards(summary),
        "status_bars": _bars([(s.value, summary.links_by_status[s]) for s in LinkStatus
                              if summary.links_by_status[s]], css_by_label=True),
        "host_bars": _bars(Counter(row["host"] or "?" for row, e in zip(link_rows, links, strict=True)
                                   if e.result and e.result.status.is_broken).most_common(10)),
        "year_bars": _year_bars(result),
        "rule_bars": _bars(list(summary.problems_by_rule[:12])),
        "since": report.since,
        "options": [(name.replace("_", "-"), setting_text(value)) for name, value in sorted(result.options.items())],
        "statuses": list(LinkStatus),
        "kinds": list(LinkKind),
        "fix_lines": fix_words.summary(fixes, sum(not p.baselined for p in report.problems)) if fixes else [],
        "fix_notes": list(fixes.notes) if fixes else [],
        "fix_commands": {safety.value: safety.command for safety in Safety},
        # The first rows of each table, rendered here in the order the script first shows them: the page
        # reads without JavaScript; the script replaces them with the whole, filterable table.
        "first_findings": sorted(findings, key=_finding_order)[:FIRST_ROWS],
        "finding_count": len(findings),
        "first_links": sorted(link_rows, key=_link_order)[:FIRST_ROWS],
        "link_count": len(link_rows),
        "hrefs": hrefs,
        "data": _json_for_script({
            # Each file's link, percent-encoded once here (RFC 3986): the page only appends '#L<line>'.
            "hrefs": hrefs,
            "findings": findings,
            "links": link_rows,
            "fixCommands": {safety.value: safety.command for safety in Safety},
            "unsafe": UNSAFE_PATTERN,  # the characters the script shows as escapes, as the server-rendered rows
            # The status vocabulary as data: the page's filters and sorting ask it, they keep no list of their own.
            "statuses": [{"name": s.value, "broken": s.is_broken, "urgency": s.urgency, "meaning": s.meaning,
                          "severity": s.severity.value if s.severity else None} for s in LinkStatus],
        }),
    }


def _cards(summary: Summary) -> list[tuple[str, list[Card]]]:
    """The summary cards in groups, each group named by what it counts (the words of every report)."""
    groups = [("run", [Card("files", "files", summary.files), Card("records", "records", summary.records)]),
              (FINDINGS, [Card(f"findings-{s.value}", f"{s.value}s", summary.findings[s], f"sev-{s.value}")
                          for s in Severity])]
    if summary.links_checked:
        groups.append((LINK_PROBLEMS, [Card(f"link-problems-{s.value}", f"{s.value}s", summary.link_problems[s],
                                            f"sev-{s.value}") for s in Severity]))
        groups.append((LINKS, [Card("links", "checked", summary.links),
                               *(Card(f"links-{s.value}", s.value, summary.links_by_status[s], f"status {s.value}")
                                 for s in LinkStatus.by_urgency())]))
    if summary.baselined:
        groups.append(("baseline", [Card("baselined", "baselined problems", summary.baselined)]))
    return groups


def setting_text(value: Any) -> str:
    """An option's value as a setting reads: on/off, none, plain numbers, lists joined."""
    if value is None or value in ([], {}, ""):
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, list | tuple):
        return ", ".join(setting_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {setting_text(item)}" for key, item in value.items())
    return str(value)


def _finding_row(p: Problem, fixes: FixReport | None = None) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "column": p.column,
            "pointer": p.pointer, "rule": p.rule, "severity": p.severity.value, "message": p.message,
            "baselined": p.baselined, "fix": fix_words.mark(fixes, p.file, p.pointer, p.rule)}


def _finding_order(row: dict[str, Any]) -> tuple[str, str, int]:
    return (row["severity"], row["file"], row["line"] or 0)  # the script's default sort: severity


def _link_order(row: dict[str, Any]) -> tuple[int, str]:
    return (LinkStatus(row["status"]).urgency, row["url"])  # the script's default sort: status


def _hrefs(report: ReportInput, links: list[LinkEntry]) -> dict[str, str]:
    files = {p.file for p in report.problems} | {o.file for e in links for o in e.occurrences}
    return {file: report.link_base + file_uri_path(file) for file in sorted(files)}  # the base: a URL, or '../'s


def _link_row(entry: LinkEntry, fixes: FixReport | None = None) -> dict[str, Any]:
    outcome = entry.result
    assert outcome is not None
    # An archived copy is shown only when it may be a link (http(s), escape.web_link, as every link of the page)
    # and is a plain snapshot URL (urls.plain_http_url: no quote, bracket or space).
    copy = entry.archived
    archived = copy if copy is not None and web_link(copy.url) and plain_http_url(copy.url) else None
    return {
        "url": entry.url, "web": web_link(entry.url), "kind": outcome.kind.value, "status": outcome.status.value,
        "host": host_of(entry.url) or "", "http": outcome.http_status, "final": outcome.final_url,
        "redirects": list(outcome.redirects), "reason": outcome.reason, "warnings": list(outcome.warnings),
        "cached": outcome.from_cache,
        "kinds": [{"kind": v.kind.value, "status": v.status.value} for v in outcome.per_kind()],
        # each place; for a URL used as several kinds with its kind's verdict, the failing places first
        "occurrences": [{"file": o.file, "line": o.line, "column": o.column, "pointer": o.pointer,
                         "kind": verdict.kind.value, "verdict": verdict.status.value if outcome.kinds else None}
                        for o, verdict in entry.places()],
        "archived": fix_words.archived_json(archived),
        "fix": next((m for o in entry.occurrences if (m := fix_words.mark(
            fixes, o.file, o.pointer, entry.verdict_at(o).status.rule_id))), None),
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
    """JSON safe inside <script type="application/json">: '<', '>' and '&' escaped as JSON escapes, so no value
    can close the element or open a comment; nor can one act on a terminal showing the file."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(json_escaped(text))  # escaped above; controls, separators and bidi characters as \uXXXX


def _duration(started: str, finished: str) -> str:
    try:
        seconds = (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
    except ValueError:
        return ""
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"
