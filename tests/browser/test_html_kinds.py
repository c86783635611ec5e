"""A URL used as several kinds in the HTML report, in a real (headless) browser: each place says its kind's
verdict, the failing place first, with file:line:col; the kind filter pairs with that kind's verdict."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from validator.models import KindVerdict, LinkEntry, LinkKind, LinkResult, LinkStatus, Occurrence, RunResult
from validator.report import html
from validator.report.context import ReportInput

pytestmark = pytest.mark.slow
SHARED = "https://news.example/2021/04/story"
PLAIN = "https://news.example/2021/04/other"


def _result() -> RunResult:
    result = RunResult(tool_version="1", started_at="2026-01-01T00:00:00Z", finished_at="2026-01-01T00:00:09Z",
                       options={"offline": False}, files=1, records=1)
    shared = LinkEntry(SHARED, LinkKind.PAGE, [Occurrence("seeds/a.txt", "/webUrl", 5, 9, kind=LinkKind.PAGE),
                                               Occurrence("seeds/a.txt", "/images/0/url", 14, 10, kind=LinkKind.IMAGE)])
    not_an_image = "serves text/html, not an image"
    shared.result = LinkResult(SHARED, LinkKind.IMAGE, LinkStatus.MISMATCH, not_an_image, 200,
                               kinds=(KindVerdict(LinkKind.PAGE, LinkStatus.OK, "HTTP 200"),
                                      KindVerdict(LinkKind.IMAGE, LinkStatus.MISMATCH, not_an_image)))
    plain = LinkEntry(PLAIN, LinkKind.PAGE, [Occurrence("seeds/a.txt", "/related/0/webUrl", 20, 13)])
    plain.result = LinkResult(PLAIN, LinkKind.PAGE, LinkStatus.OK, "HTTP 200", 200)
    result.links = {SHARED: shared, PLAIN: plain}
    return result


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.html"
    path.write_text("".join(html.render(ReportInput.of(_result()))), encoding="utf-8")
    return path


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    yield page
    context.close()


def _rows(tab: Page, report: Path, filters: str) -> list[str]:
    tab.goto("about:blank")  # a fresh load: the page reads its filters from the address when it opens
    tab.goto(report.as_uri() + "#" + filters)
    return [row.inner_text() for row in tab.locator("#links tbody tr").all()]


def test_each_place_of_a_shared_url_says_its_kind_s_verdict_failing_first(tab: Page, report: Path) -> None:
    server_rendered = report.read_text(encoding="utf-8")
    assert "seeds/a.txt:14:10</a> /images/0/url (image: mismatch)" in server_rendered  # without JavaScript too
    tab.goto(report.as_uri())
    row = tab.locator("#links tbody tr", has_text=SHARED).first
    places = [small.inner_text() for small in row.locator("td").last.locator("small").all()]
    assert places == ["seeds/a.txt:14:10 /images/0/url (image: mismatch)", "seeds/a.txt:5:9 /webUrl (page: ok)"]
    assert "page: ok, image: mismatch" in row.inner_text()


def test_the_kind_filter_pairs_with_that_kind_s_verdict(tab: Page, report: Path) -> None:
    assert _rows(tab, report, "l.status=mismatch&l.kind=page") == []  # the page use of SHARED is fine
    assert [SHARED in row for row in _rows(tab, report, "l.status=mismatch&l.kind=image")] == [True]
    assert sorted(PLAIN in row for row in _rows(tab, report, "l.status=ok&l.kind=page")) == [False, True]
    # no kind chosen: the link's most urgent verdict
    assert [SHARED in row for row in _rows(tab, report, "l.status=mismatch")] == [True]
