"""Fixes, archived copies and link URLs in the HTML report, in a real (headless) browser: only http(s) URLs
ever become links."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.unit.test_fix_reports import DEAD, SNAPSHOT, offered, report_of, result_with
from validator.models import ArchivedCopy, LinkEntry, LinkKind, LinkResult, LinkStatus, Occurrence
from validator.report import html
from validator.report.escape import visible

pytestmark = pytest.mark.slow
HOSTILE = "https://gone.example/other"
# URLs a seed can hold (links with another scheme are skipped, and listed); none may become a link.
SCHEMES = ("javascript:window.pwned=2//", " \tJavaScript:window.pwned=3//", "\x01javascript:window.pwned=4//",
           "java\nscript:window.pwned=5//", "data:text/html,<script>window.pwned=6</script>", "//evil.example/x",
           " \thttp://ok.example/padded\n")  # the report's rule (escape.web_link): a link starts with http(s)://
# http(s) in any case: links, to the URL as it is.
WEB = {"HTTPS://Ok.example/upper": "HTTPS://Ok.example/upper"}


@pytest.fixture
def page(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    result = result_with(SNAPSHOT)
    hostile = LinkEntry(HOSTILE, LinkKind.PAGE, [Occurrence("seeds/a.txt", "/images/0/url", 9)],
                        archived=ArchivedCopy("javascript:window.pwned=1//", "2021-04-09T11:00:00Z"))
    hostile.result = LinkResult(HOSTILE, LinkKind.PAGE, LinkStatus.DEAD, "HTTP 404", 404)
    result.links[HOSTILE] = hostile
    for n, url in enumerate((*SCHEMES, *WEB)):
        entry = LinkEntry(url, LinkKind.PAGE, [Occurrence("seeds/a.txt", f"/related/{n}/webUrl", 20 + n)])
        entry.result = LinkResult(url, LinkKind.PAGE, LinkStatus.SKIPPED, "not checked")
        result.links[url] = entry
    report = tmp_path / "report.html"
    report.write_text("".join(html.render(report_of(result, offered()))), encoding="utf-8")
    context = browser.new_context()
    tab = context.new_page()
    tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    tab.goto(report.as_uri())
    yield tab
    context.close()


def test_a_fixable_finding_shows_its_fix_and_the_command(page: Page) -> None:
    assert "1 problem(s) have a safe fix: `seed-validator check --fix`" in page.locator("p.fixes").inner_text()
    message = page.locator("#findings tbody tr td.msg").first
    assert message.locator("small.fix").inner_text() == "🔧 safe fix: seed-validator check --fix"


def test_an_archived_copy_is_a_link_and_a_hostile_one_is_not(page: Page) -> None:
    row = page.locator("#links tbody tr", has_text=DEAD).first
    snapshot = row.locator("a", has_text="2021-04-09")
    assert snapshot.get_attribute("href") == SNAPSHOT.url and snapshot.get_attribute("rel") == "noopener noreferrer"
    other = page.locator("#links tbody tr", has_text=HOSTILE).first
    assert "archived copy" not in other.inner_text() and other.locator("a[href^='javascript']").count() == 0
    assert page.evaluate("window.pwned") is None


def test_only_http_urls_become_links(page: Page) -> None:
    cells = page.locator("#links tbody tr td.url")
    hrefs = {cells.nth(i).text_content(): cells.nth(i).locator("a").get_attribute("href") if
             cells.nth(i).locator("a").count() else None for i in range(cells.count())}
    for url in SCHEMES:  # shown as text (a control character as its escape, e.g. a tab as \t), never a link
        assert hrefs[visible(url)] is None, url
    for url, href in WEB.items():
        assert hrefs[url] == href
    assert hrefs[DEAD] == DEAD
    for cell in page.locator("#links tbody tr td.url").all():
        cell.click()
    assert page.evaluate("window.pwned") is None
