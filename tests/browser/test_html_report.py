"""The HTML report in a real (headless) browser: it renders cleanly, agrees with the JSON, filters, is safe."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from tests.conftest import ROOT, assert_valid_report
from tests.integration.server import running_farm, send
from tests.integration.test_cli_links import seed
from tests.test_cli import run

pytestmark = pytest.mark.slow
XSS_TITLE = "<script>window.pwned = 1</script><img src=x onerror=window.pwned=2>"
# A server's title that decodes to markup: the soft-404 reason quotes it.
SERVER_XSS = "&lt;script&gt;window.pwned = 3&lt;/script&gt;&lt;img src=x onerror=window.pwned=4&gt;"
# As the seed writes them (YAML double-quoted): \x01 is a control character before the scheme.
HOSTILE_URLS = ("\\x01 JaVaScRiPt:window.pwned=5", "data:text/html,window.pwned=6", "VBScript:window.pwned=7",
                " javascript:window.pwned=8")


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A corpus with every kind of outcome, including seed and server text that tries to run script."""
    work = tmp_path_factory.mktemp("html")
    with running_farm() as farm:
        farm.routes["/evil"] = lambda h: send(h, 200, f"<title>Page not found {SERVER_XSS}</title>".encode(),
                                               {"Content-Type": "text/html"})
        seeds = work / "seeds"
        seeds.mkdir()
        cases = [("/ok", "/image.png"), ("/missing", "/image.png"), ("/gone", "/ok"), ("/evil", "/image.png"),
                 ("/ok?x=2", "/missing")]
        for n, (page, image) in enumerate(cases):
            text = seed(farm, page, image).replace('title: "A story"', f'title: "Story {n}"')
            text = text.replace("  - Testing\n", "  - Testing\n  -\n") if n == 0 else text  # a warning
            (seeds / f"s{n}.txt").write_text(text, encoding="utf-8")
        # More findings than the page renders without a script: 60 empty topics.
        (seeds / "many.txt").write_text(seed(farm, "/ok?many", "/image.png").replace(
            "  - Testing\n", "  - Testing\n" + "  -\n" * 60).replace('title: "A story"', 'title: "Many"'),
            encoding="utf-8")
        # URLs that must never become links: script, data and vbscript schemes, in any case, after a control char.
        (seeds / "schemes.txt").write_text(
            seed(farm, "/ok?schemes", "/image.png").replace('title: "A story"', 'title: "Schemes"')
            .replace(f'originalUrl: "{farm.url("/ok?schemes")}"', f'originalUrl: "{HOSTILE_URLS[0]}"')
            .replace(f'webUrl: "{farm.url("/ok?schemes")}"', f'webUrl: "{HOSTILE_URLS[1]}"')
            .replace(f'url: "{farm.url("/image.png")}"', f'url: "{HOSTILE_URLS[2]}"')
            .replace("type: article", f'featuredContent: "<iframe src=\'{HOSTILE_URLS[3]}\'></iframe>"\n'
                                      "type: article"), encoding="utf-8")
        (seeds / "xss.txt").write_text(
            seed(farm, "/ok?xss", "/image.png").replace('title: "A story"', f"title: '{XSS_TITLE}'")
            .replace("domain: 127.0.0.1", f"domain: '{XSS_TITLE}'"), encoding="utf-8")
        done = run("check", "--allow-private", "--no-cache", "--format", "json,html", cwd=work)
        assert done.returncode == 1, done.stdout + done.stderr
    yield work / "reports"


@pytest.fixture
def page(browser: Browser, report_dir: Path) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(viewport={"width": 1280, "height": 1800})
    problems: list[str] = []
    tab = context.new_page()
    tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning")
           else None)
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    tab.goto((report_dir / "report.html").as_uri())
    yield tab, problems
    context.close()


def report(report_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(data)
    return data


def test_renders_without_console_errors_and_writes_a_screenshot(page: tuple[Page, list[str]],
                                                                 report_dir: Path) -> None:
    tab, problems = page
    tab.wait_for_selector("#links tbody tr")
    tab.screenshot(path=str(report_dir / "report.png"), full_page=True)
    assert problems == []
    assert (report_dir / "report.png").stat().st_size > 10_000
    # for people to look at (reports/ is git-ignored; CI keeps it as an artifact)
    (ROOT / "reports").mkdir(exist_ok=True)
    shutil.copy(report_dir / "report.png", ROOT / "reports" / "report-screenshot.png")


def test_summary_numbers_match_the_json_report(page: tuple[Page, list[str]], report_dir: Path) -> None:
    tab, _ = page
    summary = report(report_dir)["summary"]
    cards = {card.get_attribute("data-card"): int(card.locator(".n").inner_text())
             for card in tab.locator("li.card").all()}
    assert cards["records"] == summary["records"] and cards["links"] == summary["links"]
    for status, n in summary["links_by_status"].items():
        assert cards[f"links-{status}"] == n, status
    for severity in ("error", "warning"):
        assert cards[f"findings-{severity}"] == summary["violations"][severity]
        assert cards[f"link-problems-{severity}"] == summary["link_problems"][severity]
    groups = [g.inner_text() for g in tab.locator(".card-group h3").all()]
    assert groups == ["run", "structure findings", "link problems", "links by status"]
    bars = tab.locator("#chart-rules title").all_text_contents()
    expected = sorted(summary["problems_by_rule"].items(), key=lambda item: (-item[1], item[0]))[:12]
    assert bars == [f"{rule}: {n}" for rule, n in expected] and any(b.startswith("link/") for b in bars)
    assert tab.locator("#links tbody tr").count() == summary["links"]
    assert tab.locator("#findings tbody tr").count() == len(report(report_dir)["violations"])


def test_filtering_by_status_shows_only_matching_rows(page: tuple[Page, list[str]], report_dir: Path) -> None:
    tab, _ = page
    by_status = report(report_dir)["summary"]["links_by_status"]
    tab.select_option("#link-filters select[name=status]", "dead")
    rows = tab.locator("#links tbody tr")
    assert rows.count() == by_status["dead"] > 0
    assert {rows.nth(i).get_attribute("data-status") for i in range(rows.count())} == {"dead"}
    assert f"{by_status['dead']} of {report(report_dir)['summary']['links']} links match" in tab.locator(
        "#links caption").inner_text()
    tab.select_option("#link-filters select[name=status]", "broken")
    broken = {rows.nth(i).get_attribute("data-status") for i in range(rows.count())}
    assert broken <= {"dead", "soft-dead", "mismatch"} and rows.count() == sum(
        by_status[s] for s in ("dead", "soft-dead", "mismatch"))
    tab.select_option("#link-filters select[name=status]", "")
    tab.fill("#link-filters input[name=text]", "image.png")
    assert all("image.png" in rows.nth(i).inner_text() for i in range(rows.count()))


def test_findings_filter_and_keyboard_sorting(page: tuple[Page, list[str]]) -> None:
    tab, _ = page
    tab.select_option("#finding-filters select[name=severity]", "warning")
    rows = tab.locator("#findings tbody tr")
    assert rows.count() > 0
    assert {rows.nth(i).get_attribute("data-severity") for i in range(rows.count())} == {"warning"}
    button = tab.locator("#findings th button[data-sort=file]")
    button.focus()
    tab.keyboard.press("Enter")
    assert tab.locator("#findings th[aria-sort]").get_attribute("aria-sort") == "ascending"
    tab.keyboard.press("Enter")
    assert tab.locator("#findings th[aria-sort]").get_attribute("aria-sort") == "descending"


def test_seed_and_server_text_cannot_run_script(page: tuple[Page, list[str]], report_dir: Path) -> None:
    tab, problems = page
    assert tab.evaluate("window.pwned") is None
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "<script>window.pwned" not in html and "<img src=x" not in html
    tab.fill("#link-filters input[name=text]", "evil")
    shown = tab.locator("#links tbody").inner_text()
    assert "<script>window.pwned = 3</script><img src=x onerror=" in shown  # as text, not run
    tab.fill("#finding-filters input[name=file]", "xss")
    assert XSS_TITLE in tab.locator("#findings tbody").inner_text()  # the seed's text in a message, as text
    assert tab.evaluate("window.pwned") is None and problems == []


def test_a_filter_can_be_shared_in_the_address(browser: Browser, report_dir: Path) -> None:
    tab = browser.new_page()
    tab.goto((report_dir / "report.html").as_uri() + "#l.status=dead&l.kind=page")
    rows = tab.locator("#links tbody tr")
    dead_pages = [link for link in report(report_dir)["links"] if link["status"] == "dead" and link["kind"] == "page"]
    assert rows.count() == len(dead_pages) > 0
    assert {rows.nth(i).get_attribute("data-status") for i in range(rows.count())} == {"dead"}
    tab.goto((report_dir / "report.html").as_uri() + "#l.status=redirected")
    tab.reload()
    assert tab.locator("#links tbody tr").count() == 0  # a status no link has: none shown, not all
    tab.close()


def test_the_report_is_self_contained(report_dir: Path) -> None:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "<link rel=\"stylesheet\"" not in html and "<script src" not in html
    assert "cdn" not in html.split("<script id=\"report-data\"")[0].lower()


def test_no_console_errors_in_an_offline_report(browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text((ROOT / "seeds" / "000_d663f88f6a665438.txt").read_text(),
                                              encoding="utf-8")
    assert run("check", "--offline", "--format", "html", cwd=tmp_path).returncode == 0
    tab = browser.new_page()
    errors: list[ConsoleMessage | str] = []
    tab.on("console", lambda m: errors.append(m) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto((tmp_path / "reports" / "report.html").as_uri())
    assert errors == [] and tab.locator("#links").count() == 0
    assert "0 findings" in tab.locator("#findings caption").inner_text()
    tab.close()


def test_without_javascript_the_summary_and_the_first_rows_are_there(browser: Browser, report_dir: Path) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 1800})
    tab = context.new_page()
    tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    tab.goto((report_dir / "report.html").as_uri())
    document = report(report_dir)
    summary = document["summary"]
    cards = {card.get_attribute("data-card"): int(card.locator(".n").inner_text())
             for card in tab.locator("li.card").all()}
    assert cards["findings-warning"] == summary["violations"]["warning"] and cards["links"] == summary["links"]
    assert cards["link-problems-error"] == summary["link_problems"]["error"]
    findings = len(document["violations"])
    assert findings > 50
    assert tab.locator("#findings tbody tr").count() == 50
    assert tab.locator("#findings caption").inner_text().startswith(f"the first 50 of {findings} findings")
    assert tab.locator("#links tbody tr").count() == summary["links"] < 50
    assert tab.locator("#links caption").inner_text() == f"{summary['links']} links"
    assert not tab.locator("#finding-filters").is_visible()  # filters need the script: not offered
    first = tab.locator("#findings tbody tr").first
    assert first.get_attribute("data-severity") == "error"  # the order the script shows first: errors first
    tab.locator("header details summary").click()
    options = dict(zip(tab.locator("header table td:nth-child(1)").all_text_contents(),
                       tab.locator("header table td:nth-child(2)").all_text_contents(), strict=True))
    assert options["offline"] == "off" and options["allow-private"] == "on" and options["cache"] == "none"
    assert options["accept"] == "none" and options["timeout"] == "20"
    assert not any(value in ("True", "False", "None", "[]") for value in options.values())
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_only_http_urls_become_links(browser: Browser, report_dir: Path, javascript: bool) -> None:
    context = browser.new_context(java_script_enabled=javascript)
    tab = context.new_page()
    tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    tab.goto((report_dir / "report.html").as_uri())
    # Every link's scheme, as the browser resolves it (the file links are relative: file:).
    protocols = tab.eval_on_selector_all("a[href]", "links => links.map(a => a.protocol)")
    assert protocols and set(protocols) <= {"http:", "https:", "file:"}, set(protocols)
    shown = tab.locator("#links tbody").inner_text()
    for url in ("JaVaScRiPt:window.pwned=5", "data:text/html,window.pwned=6", "VBScript:window.pwned=7",
                "javascript:window.pwned=8"):
        assert url in shown  # the URL is there, as text
    assert tab.evaluate("window.pwned") is None
    context.close()
