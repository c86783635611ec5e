"""The Markdown report: for people, PR comments and GitHub job summaries."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import groupby

from ..fix.model import FixReport
from ..hrefs import file_uri_path, plain_http_url
from ..models import LinkEntry, LinkStatus, RunResult, Severity
from ..problems import Problem, fixed
from ..written import REPORT_MARKER
from . import fixes as fix_words
from . import headline
from .context import ReportInput
from .diff import render_markdown as render_diff
from .escape import markdown_code, web_link
from .escape import markdown_text as _text
from .summary import Summary

_ICON = {Severity.ERROR: "❌", Severity.WARNING: "⚠️"}


def render(report: ReportInput) -> Iterator[str]:
    """File paths in links are prefixed with report.link_base (the way from the report's folder to the
    files); report.since, when given, is what changed from a previous run; report.fixes, what fixing offered
    or did."""
    result, link_base, since, fixes = report.result, report.link_base, report.since, report.fixes
    yield f"{REPORT_MARKER}\n# seed-validator report\n\n"
    state = "complete" if result.complete else "**incomplete**"
    if result.inconclusive:
        state += f", **inconclusive** ({headline.inconclusive(report.summary)})"
    yield (f"Run {_text(result.started_at)} → {_text(result.finished_at)}, seed-validator "
           f"{_text(result.tool_version)}, {state}.\n\n")
    for note in result.notes:
        yield f"> {_text(note)}\n\n"
    yield from _summary_table(report.summary)
    if since is not None:
        yield from render_diff(since)

    all_items = report.problems
    items = [p for p in all_items if not p.baselined]
    if fixes is not None:
        yield from _fixes_section(fixes, len(items))
    if result.baseline_keys is not None:
        yield from _baseline_section(result, all_items)
    if not items:
        yield "No problems found.\n" if not all_items else "No new problems.\n"
        return
    yield "## Problems by file\n\n"
    by_file = {file: list(group) for file, group in groupby(items, key=lambda p: p.file)}
    for file in sorted(by_file, key=lambda f: _file_urgency(by_file[f])):
        file_problems = sorted(by_file[file], key=lambda p: (-p.severity.rank, p.line or 0, p.pointer))
        errors = sum(p.severity is Severity.ERROR for p in file_problems)
        yield f"### {markdown_code(file)} — {errors} error(s), {len(file_problems) - errors} warning(s)\n\n"
        yield "| | line | rule | pointer | message |\n|---|---:|---|---|---|\n"
        target = link_base + file_uri_path(file)
        for p in file_problems:
            line = f"[{p.line}]({target}#L{p.line})" if p.line else "-"
            fix = fix_words.mark(fixes, p.file, p.pointer, p.rule)
            mark = f" 🔧 {fix} fix" if fix else ""
            yield (f"| {_ICON[p.severity]} | {line} | {markdown_code(p.rule)} | {_text(p.pointer or '/')} "
                   f"| {_text(p.message)}{mark} |\n")
        yield "\n"
    yield from _links_needing_action(result)


def _summary_table(summary: Summary) -> Iterator[str]:
    """The counts, each row labelled by what it counts (the words of every report)."""
    rows: list[tuple[str, int | str]] = list(summary.rows())
    if not summary.links_checked:
        rows.insert(len(rows) - bool(summary.baselined), ("links", "not checked (--offline)"))
    yield "| | count |\n|---|---:|\n" + "".join(f"| {label} | {n} |\n" for label, n in rows) + "\n"


def _baseline_section(result: RunResult, items: Sequence[Problem]) -> Iterator[str]:
    accepted = [p for p in items if p.baselined]
    gone = fixed(result.baseline_keys or frozenset(), items, result.checked_files)
    yield (f"Baseline {markdown_code(result.baseline_file or '')}: {len(items) - len(accepted)} new problem(s), "
           f"{len(accepted)} baselined, {len(gone)} fixed.\n\n")
    if accepted:
        yield f"<details><summary>Baselined problems ({len(accepted)})</summary>\n\n"
        yield "".join(f"- {_text(_where(p))} {markdown_code(p.rule)} {_text(p.message)}\n" for p in accepted)
        yield "\n</details>\n\n"
    if gone:
        yield f"### Fixed since the baseline ({len(gone)}): remove them from it\n\n"
        yield "".join(f"- {markdown_code(f)} {markdown_code(r)} {_text(ptr or '/')} {_text(u)}\n"
                      for f, ptr, r, u in gone)
        yield "\n"


def _links_needing_action(result: RunResult) -> Iterator[str]:
    checked = [e for e in result.sorted_links() if e.result is not None]  # sorted once, not per section
    # The statuses that count against CI (a person has something to do about them), most urgent first.
    for status in (s for s in LinkStatus.by_urgency() if s.severity is not None):
        entries = [e for e in checked if e.result is not None and e.result.status is status]
        if not entries:
            continue
        yield f"## Links: {status} ({len(entries)})\n\n| url | kind | HTTP | reason | final URL | used in |\n"
        yield "|---|---|---:|---|---|---|\n"
        for entry in entries:
            outcome = entry.result
            assert outcome is not None
            # each place; for a URL used as several kinds with its kind's verdict, the failing places first
            used = ", ".join((f"{o.file}:{o.line}:{o.column or 1}" if o.line else o.file)
                             + (f" ({v.kind}: {v.status})" if outcome.kinds else "")
                             for o, v in entry.places()[:3])
            if len(entry.occurrences) > 3:
                used += f" (+{len(entry.occurrences) - 3})"
            # a URL used as several kinds: each kind's verdict (the section is the most urgent of them)
            kinds = ", ".join(f"{v.kind}: {v.status}" for v in outcome.kinds) or str(outcome.kind)
            yield (f"| {_text(entry.url)} | {kinds} | {outcome.http_status or '-'} | {_text(outcome.reason)}"
                   f"{_archived(entry)} | {_text(outcome.final_url or '')} | {_text(used)} |\n")
        yield "\n"


def _fixes_section(fixes: FixReport, remaining: int) -> Iterator[str]:
    for line in fix_words.summary(fixes, remaining):  # the tool's own words: counts and its commands, in code spans
        yield f"🔧 {line}\n\n"
    if fixes.notes:
        yield f"<details><summary>Fixes not applied ({len(fixes.notes)})</summary>\n\n"
        yield "".join(f"- {_text(note)}\n" for note in fixes.notes) + "\n</details>\n\n"


def _archived(entry: LinkEntry) -> str:
    """' — archived copy: [date](snapshot)', for a snapshot URL that may be a link (http(s), escape.web_link) and
    can stand in a Markdown link as it is."""
    copy = entry.archived
    if copy is None or not web_link(copy.url) or not plain_http_url(copy.url):
        return ""
    return f" — archived copy: [{_text(copy.timestamp[:10])}]({copy.url})"


def _file_urgency(file_problems: list[Problem]) -> tuple[int, int, str]:
    errors = sum(p.severity is Severity.ERROR for p in file_problems)
    return (-max(p.severity.rank for p in file_problems), -errors, file_problems[0].file)


def _where(p: Problem) -> str:
    return f"{p.file}:{p.line}:{p.column or 1}" if p.line else p.file
