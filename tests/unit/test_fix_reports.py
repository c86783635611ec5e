"""What the reports say about fixes and archived copies; a hostile snapshot URL never becomes a link."""

from __future__ import annotations

import dataclasses
import json

from tests.conftest import assert_valid_report
from validator.fix.edits import Edit, Region
from validator.fix.model import Change, Fix, FixReport, Mode, Safety
from validator.models import (
    ArchivedCopy,
    Finding,
    LinkEntry,
    LinkKind,
    LinkResult,
    LinkStatus,
    Occurrence,
    RunResult,
    Severity,
)
from validator.report import codec, html, markdown, sarif
from validator.report.context import ReportInput

DEAD = "https://gone.example/story"
SNAPSHOT = ArchivedCopy("https://web.archive.org/web/20210409110000/https://gone.example/story", "2021-04-09T11:00:00Z")


def result_with(archived: ArchivedCopy) -> RunResult:
    result = RunResult(tool_version="test", started_at="2026-11-26T12:00:00Z", finished_at="2026-11-26T12:00:01Z",
                       files=1, records=1, checked_files=["seeds/a.txt"])
    result.findings.append(Finding("seeds/a.txt", 7, 9, "/webUrl", "seed/url-whitespace", Severity.ERROR,
                                   "URL contains whitespace"))
    entry = LinkEntry(DEAD, LinkKind.PAGE, [Occurrence("seeds/a.txt", "/originalUrl", 6)], archived=archived)
    entry.result = LinkResult(DEAD, LinkKind.PAGE, LinkStatus.DEAD, "HTTP 404", 404, checked_at="2026-11-26T12:00:00Z")
    result.links[DEAD] = entry
    return result


def report_of(result: RunResult, fixes: FixReport | None = None) -> ReportInput:
    return ReportInput.of(result, fixes=fixes)


def offered() -> FixReport:
    fix = Fix("seeds/a.txt", Safety.SAFE, "trim the whitespace around the URL", (("/webUrl", "seed/url-whitespace"),),
              (Change("/webUrl", " https://a.example/", "https://a.example/"),), (Edit(100, 122, '"https://a.example/"'),),
              (Region(7, 9, 7, 31),))
    return FixReport(Mode.CHECK, False, {("seeds/a.txt", "/webUrl", "seed/url-whitespace"): fix})


def test_every_report_marks_the_fixable_problem_and_gives_the_command() -> None:
    result, fixes = result_with(SNAPSHOT), offered()
    plain = json.loads("".join(codec.render(report_of(result, fixes))))
    assert_valid_report(plain)
    assert "fixes" not in plain and "fix" not in plain["violations"][0]  # a plain check's report: verdicts only
    assert plain["links"][0]["archived"] == {"url": SNAPSHOT.url, "timestamp": SNAPSHOT.timestamp}
    assert codec.from_document(plain).links[DEAD].archived == SNAPSHOT  # read back (merge, --from-report)
    report = json.loads("".join(codec.render(report_of(result, dataclasses.replace(fixes, mode=Mode.DIFF)))))
    assert_valid_report(report)
    assert report["violations"][0]["fix"] == "safe"
    assert report["fixes"]["offered"] == {"safe": 1, "unsafe": 0} and report["fixes"]["mode"] == "diff"

    text = "".join(markdown.render(report_of(result, fixes)))
    assert "🔧 1 problem(s) have a safe fix: `seed-validator check --fix` (preview with --diff)" in text
    assert "URL contains whitespace 🔧 safe fix |" in text
    assert f"archived copy: [2021-04-09]({SNAPSHOT.url})" in text

    data = html.context(report_of(result, fixes))
    assert data["fix_lines"] == ["1 problem(s) have a safe fix: `seed-validator check --fix` (preview with --diff)"]
    page = "".join(html.render(report_of(result, fixes)))
    assert '"fix":"safe"' in page and f'"archived":{{"url":"{SNAPSHOT.url}"' in page

    log = json.loads("".join(sarif.render(report_of(result, fixes))))
    (with_fix,) = [r for r in log["runs"][0]["results"] if "fixes" in r]
    (replacement,) = with_fix["fixes"][0]["artifactChanges"][0]["replacements"]
    assert replacement == {"deletedRegion": {"startLine": 7, "startColumn": 9, "endLine": 7, "endColumn": 31},
                           "insertedContent": {"text": '"https://a.example/"'}}


def test_a_hostile_snapshot_url_is_shown_nowhere_as_a_link() -> None:
    for url in ("javascript:alert(1)", 'https://x.example/a"><script>alert(1)</script>', "https://x.example/a)](evil"):
        result = result_with(ArchivedCopy(url, "2021-04-09T11:00:00Z"))
        assert "archived copy" not in "".join(markdown.render(report_of(result)))
        data = html.context(report_of(result))["data"]
        assert data.count("archived") == 1 and '"archived":null' in data
        report = json.loads("".join(codec.render(report_of(result))))
        report["links"][0]["archived"] = {"url": url, "timestamp": "2021-04-09T11:00:00Z"}
        assert codec.from_document(report).links[DEAD].archived is None  # a report from elsewhere is not trusted either
