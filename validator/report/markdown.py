"""The Markdown report: for people, PR comments and GitHub job summaries."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import groupby
from urllib.parse import quote

from ..models import LinkStatus, RunResult, Severity
from ..problems import Problem, fixed
from .context import ReportInput
from .diff import render_markdown as render_diff

_ICON = {Severity.ERROR: "❌", Severity.WARNING: "⚠️"}


def render(report: ReportInput) -> Iterator[str]:
    """File paths in links are prefixed with report.link_base (the way from the report's folder to the
    files); report.since, when given, is what changed from a previous run."""
    result, link_base, since = report.result, report.link_base, report.since
    counts = result.count_findings()
    yield "# seed-validator report\n\n"
    state = "complete" if result.complete else "**incomplete**"
    if result.inconclusive:
        state += ", **inconclusive** (network unavailable: no link was called dead)"
    yield f"Run {result.started_at} → {result.finished_at}, seed-validator {result.tool_version}, {state}.\n\n"
    for note in result.notes:
        yield f"> {_cell(note)}\n\n"
    yield "| | count |\n|---|---:|\n"
    yield f"| files | {result.files} |\n| records | {result.records} |\n"
    yield f"| errors | {counts[Severity.ERROR]} |\n| warnings | {counts[Severity.WARNING]} |\n"
    if not result.links_checked:
        yield "| links | not checked (--offline) |\n"
    else:
        yield f"| links | {len(result.links)} |\n"
        for status, n in result.count_links().items():
            if n:
                yield f"| links {status} | {n} |\n"
    yield "\n"
    if since is not None:
        yield from render_diff(since)

    all_items = report.problems
    items = [p for p in all_items if not p.baselined]
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
        yield f"### `{file}` — {errors} error(s), {len(file_problems) - errors} warning(s)\n\n"
        yield "| | line | rule | pointer | message |\n|---|---:|---|---|---|\n"
        for p in file_problems:
            line = f"[{p.line}]({link_base}{quote(file)}#L{p.line})" if p.line else "-"
            yield f"| {_ICON[p.severity]} | {line} | `{p.rule}` | `{p.pointer or '/'}` | {_cell(p.message)} |\n"
        yield "\n"
    yield from _links_needing_action(result)


def _baseline_section(result: RunResult, items: Sequence[Problem]) -> Iterator[str]:
    accepted = [p for p in items if p.baselined]
    gone = fixed(result.baseline_keys or frozenset(), items, result.checked_files)
    yield (f"Baseline `{result.baseline_file}`: {len(items) - len(accepted)} new problem(s), "
           f"{len(accepted)} baselined, {len(gone)} fixed.\n\n")
    if accepted:
        yield f"<details><summary>Baselined problems ({len(accepted)})</summary>\n\n"
        yield "".join(f"- `{p.file}:{p.line or ''}` `{p.rule}` {_cell(p.message)}\n" for p in accepted)
        yield "\n</details>\n\n"
    if gone:
        yield f"### Fixed since the baseline ({len(gone)}): remove them from it\n\n"
        yield "".join(f"- `{f}` `{r}` {ptr or '/'} {u}\n" for f, ptr, r, u in gone) + "\n"


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
            used = ", ".join(f"{o.file}:{o.line}" if o.line else o.file for o in entry.occurrences[:3])
            if len(entry.occurrences) > 3:
                used += f" (+{len(entry.occurrences) - 3})"
            # a URL used as several kinds: each kind's verdict (the section is the most urgent of them)
            kinds = ", ".join(f"{v.kind}: {v.status}" for v in outcome.kinds) or str(outcome.kind)
            yield (f"| {_cell(entry.url)} | {kinds} | {outcome.http_status or '-'} | {_cell(outcome.reason)} "
                   f"| {_cell(outcome.final_url or '')} | {_cell(used)} |\n")
        yield "\n"


def _file_urgency(file_problems: list[Problem]) -> tuple[int, int, str]:
    errors = sum(p.severity is Severity.ERROR for p in file_problems)
    return (-max(p.severity.rank for p in file_problems), -errors, file_problems[0].file)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes or line breaks, HTML-ish text inert."""
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
            .replace("<", "&lt;").replace(">", "&gt;"))
