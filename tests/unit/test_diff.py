"""What changed between two runs, compared as RunResults: links by their normalised URL, findings by key."""

from __future__ import annotations

from tests.unit.runs import add, link
from validator.models import (
    Finding,
    KindVerdict,
    LinkEntry,
    LinkKind,
    LinkResult,
    LinkStatus,
    Occurrence,
    RunResult,
    Severity,
)
from validator.report.diff import LinkChange, diff_results, render_markdown

HERE = Occurrence("seeds/a.txt", "/webUrl", 7)


def run(links: dict[str, LinkStatus], findings: list[Finding] | None = None) -> RunResult:
    result = RunResult(tool_version="1", started_at="2026-01-01T00:00:00Z", findings=findings or [])
    return add(result, *(link(url, status, HERE) for url, status in links.items()))


def finding(line: int, rule: str = "schema/type", message: str = "bad") -> Finding:
    return Finding("seeds/a.txt", line, 1, "/title", rule, Severity.ERROR, message)


def test_links_that_broke_and_recovered() -> None:
    old = run({"https://X.example/a": LinkStatus.OK, "https://x.example/b": LinkStatus.DEAD,
               "https://x.example/c": LinkStatus.SOFT_DEAD, "https://x.example/d": LinkStatus.DEAD})
    new = run({"https://x.example/a": LinkStatus.MISMATCH, "https://x.example/b": LinkStatus.REDIRECTED,
               "https://x.example/c": LinkStatus.SKIPPED, "https://x.example/d": LinkStatus.SOFT_DEAD,
               "https://x.example/e": LinkStatus.DEAD})
    changes = diff_results(old, new)
    assert changes.became_broken == [
        LinkChange("https://x.example/a", LinkStatus.OK, LinkStatus.MISMATCH, "why mismatch"),  # same URL, normalised
        LinkChange("https://x.example/e", None, LinkStatus.DEAD, "why dead")]
    # broken → broken is no change; broken → skipped is not a recovery (it was not looked at)
    assert changes.recovered == [LinkChange("https://x.example/b", LinkStatus.DEAD, LinkStatus.REDIRECTED,
                                            "why redirected")]


def test_findings_are_paired_by_file_pointer_and_rule_not_line_or_message() -> None:
    old = run({}, [finding(3), finding(5, "seed/null-topic")])
    new = run({}, [finding(9, message="bad, said differently"), finding(4, "schema/required")])
    changes = diff_results(old, new)
    assert changes.new_findings == [finding(4, "schema/required")]
    assert changes.fixed_findings == [finding(5, "seed/null-topic")]
    assert diff_results(new, new).empty


def test_markdown_of_the_changes() -> None:
    old = run({"https://x.example/a": LinkStatus.OK}, [finding(3, message="<b>x</b>")])
    text = "".join(render_markdown(diff_results(old, run({"https://x.example/a": LinkStatus.DEAD}))))
    assert "### Links that broke (1)\n\n- `dead` https://x.example/a (was ok): why dead\n" in text
    assert "### Fixed findings (1)\n\n- seeds/a.txt:3 `schema/type` /title: &lt;b&gt;x&lt;/b&gt;\n" in text
    assert "".join(render_markdown(diff_results(old, old))).endswith("Nothing changed.\n\n")


def test_a_url_used_as_several_kinds_changes_per_kind() -> None:
    """Its image and AMP uses failed before; now its page does too: that is a change (the link's most urgent
    verdict stayed broken, so comparing links alone said "Nothing changed")."""
    url = "https://x.example/story"

    def used_as(page: LinkStatus) -> RunResult:
        result = run({})
        entry = LinkEntry(url, LinkKind.PAGE, [HERE])
        kinds = (KindVerdict(LinkKind.PAGE, page, f"page {page}"),
                 KindVerdict(LinkKind.IMAGE, LinkStatus.MISMATCH, "not an image"),
                 KindVerdict(LinkKind.AMP, LinkStatus.MISMATCH, "not AMP"))
        worst = min(kinds, key=lambda v: v.status.urgency)
        entry.result = LinkResult(url, worst.kind, worst.status, worst.reason, kinds=kinds)
        result.links[url] = entry
        return result

    changes = diff_results(used_as(LinkStatus.OK), used_as(LinkStatus.DEAD))
    assert changes.became_broken == [LinkChange(url, LinkStatus.OK, LinkStatus.DEAD, "page dead", LinkKind.PAGE)]
    assert "- `dead` https://x.example/story as page (was ok): page dead\n" in "".join(render_markdown(changes))
    assert diff_results(used_as(LinkStatus.DEAD), used_as(LinkStatus.OK)).recovered == [
        LinkChange(url, LinkStatus.DEAD, LinkStatus.OK, "page ok", LinkKind.PAGE)]
