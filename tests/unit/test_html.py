"""The HTML renderer without a browser: escaping, the embedded data, the charts' numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

from validator.models import Finding, LinkEntry, LinkKind, LinkResult, LinkStatus, Occurrence, RunResult, Severity
from validator.report import html
from validator.report.context import ReportInput
from validator.report.diff import LinkChange, ReportDiff
from validator.report.writer import write_reports


def result_with(message: str = "ok", note: str = "") -> RunResult:
    result = RunResult(tool_version="1", started_at="2026-01-01T00:00:00Z", finished_at="2026-01-01T00:01:30Z",
                       options={"offline": False}, files=2, records=2, notes=[note] if note else [])
    result.findings = [Finding("seeds/a.txt", 3, 1, "/title", "schema/type", Severity.ERROR, message)]
    result.published_years = {"seeds/a.txt": 2019, "seeds/b.txt": 2021}
    for url, status, files in (("https://x.example/1", LinkStatus.DEAD, ["seeds/a.txt"]),
                               ("https://x.example/2", LinkStatus.OK, ["seeds/a.txt", "seeds/b.txt"]),
                               ("https://y.example/3", LinkStatus.SOFT_DEAD, ["seeds/b.txt"])):
        entry = LinkEntry(url, LinkKind.PAGE, [Occurrence(f, "/webUrl", 7) for f in files])
        entry.result = LinkResult(url, LinkKind.PAGE, status, "why")
        result.links[url] = entry
    return result


def test_markup_in_any_value_is_escaped_in_the_page_and_in_the_data() -> None:
    evil = "</script><script>alert(1)</script><!--"
    page = "".join(html.render(ReportInput.of(result_with(message=evil, note=evil))))
    assert evil not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the note, by autoescape
    data = re.search(r'<script id="report-data" type="application/json">(.*?)</script>', page, re.S)
    assert data is not None
    assert json.loads(data.group(1))["findings"][0]["message"] == evil  # intact once parsed


def test_control_and_bidirectional_characters_are_shown_as_escapes_never_written_raw() -> None:
    """`cat report.html` in a terminal must not run a seed's escape sequences, nor a bidi override reorder a
    row: the page's text shows them as the console does (\\x1b, \\u202e); the data keeps them as JSON escapes."""
    hostile = "title\x1b]0;owned\x07 \u202eevil\x9b2J"
    result = result_with(message=hostile, note=hostile)
    entry = result.links["https://x.example/1"]
    assert entry.result is not None
    entry.result = LinkResult(entry.url, LinkKind.PAGE, LinkStatus.DEAD, hostile, warnings=(hostile,))
    page = "".join(html.render(ReportInput.of(result)))
    assert re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202e]", page) is None
    assert "title\\x1b]0;owned\\x07 \\u202eevil\\x9b2J" in page
    data = re.search(r'<script id="report-data" type="application/json">(.*?)</script>', page, re.S)
    assert data is not None and json.loads(data.group(1))["findings"][0]["message"] == hostile


def test_charts_count_broken_links_by_host_and_by_article_year() -> None:
    ctx = html.context(ReportInput.of(result_with()))
    assert [(b.label, b.value) for b in ctx["host_bars"]] == [("x.example", 1), ("y.example", 1)]
    years = {b.label: (b.value, b.note) for b in ctx["year_bars"]}
    assert years == {"2019": (1, "1 of 2"), "2021": (1, "1 of 2")}
    assert [(b.label, b.value) for b in ctx["status_bars"]] == [("ok", 1), ("dead", 1), ("soft-dead", 1)]
    assert ctx["duration"] == "90 s"


def test_offline_report_has_no_link_sections() -> None:
    result = result_with()
    result.options = {"offline": True}
    result.links.clear()
    page = "".join(html.render(ReportInput.of(result)))
    assert 'id="links"' not in page and "links not checked (--offline)" in page


def test_since_the_last_run_section_lists_what_changed() -> None:
    since = ReportDiff(became_broken=[LinkChange("https://x.example/1", LinkStatus.OK, LinkStatus.DEAD, "HTTP 404")],
                       fixed_findings=[Finding("seeds/b.txt", 4, None, "/heat", "schema/type", Severity.ERROR,
                                               "<b>bold</b>")])
    page = "".join(html.render(ReportInput.of(result_with(), since=since)))
    section = page.split('id="since"', 1)[1].split("<h2", 1)[0]
    assert "Links that broke (1)" in section and "https://x.example/1 (was ok): HTTP 404" in section
    assert "Fixed findings (1)" in section and "&lt;b&gt;bold&lt;/b&gt;" in section
    assert 'id="since"' not in "".join(html.render(ReportInput.of(result_with())))


def test_the_page_asks_the_status_vocabulary_it_receives_as_data() -> None:
    page = "".join(html.render(ReportInput.of(result_with())))
    data = re.search(r'<script id="report-data" type="application/json">(.*?)</script>', page, re.S)
    assert data is not None
    assert json.loads(data.group(1))["statuses"] == [
        {"name": s.value, "broken": s.is_broken, "urgency": s.urgency, "meaning": s.meaning,
         "severity": s.severity.value if s.severity else None} for s in LinkStatus]
    assert '<option value="broken">broken (dead, soft-dead, mismatch)</option>' in page
    script = page.rsplit("<script>", 1)[1]
    assert not any(f'"{status}"' in script for status in LinkStatus)  # no status list of its own
    cards = re.findall(r'data-card="([^"]+)"', page)
    assert cards == ["files", "records", "findings-error", "findings-warning", "link-problems-error",
                     "link-problems-warning", "links", *(f"links-{s.value}" for s in LinkStatus.by_urgency())]
    groups = re.findall(r'data-group="([^"]+)"><h3>([^<]+)</h3>', page)
    assert [title for _, title in groups] == ["run", "structure findings", "link problems", "links by status"]


def test_file_links_keep_an_absolute_link_base_as_it_is_and_encode_the_path() -> None:
    result = result_with()
    result.findings = [Finding("seeds/a b#c.txt", 3, 1, "/title", "schema/type", Severity.ERROR, "m")]
    base = "https://github.com/o/r/blob/0123abc/"
    hrefs = html.context(ReportInput.of(result, link_base=base))["data"]
    assert json.loads(hrefs)["hrefs"]["seeds/a b#c.txt"] == base + "seeds/a%20b%23c.txt"
    relative = json.loads(html.context(ReportInput.of(result, link_base="../"))["data"])["hrefs"]
    assert relative["seeds/a.txt"] == "../seeds/a.txt"


def test_the_page_names_only_the_reports_written_with_it(tmp_path: Path) -> None:
    """A report.json left by an earlier run is not this run's: the page names the other reports only when
    this run wrote them."""
    report = ReportInput.of(result_with())
    write_reports(report, ["html"], tmp_path / "alone")
    alone = (tmp_path / "alone" / "report.html").read_text(encoding="utf-8")
    assert "report.json" not in alone and "report.md" not in alone and "Written with it" not in alone
    write_reports(report, ["json", "md", "html"], tmp_path / "all")
    together = (tmp_path / "all" / "report.html").read_text(encoding="utf-8")
    assert "Written with it: report.json, report.md." in together
