"""In a browser: the HTML report's link to a seed file with space, '#' and '%' in its name leads to that file."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.conftest import position_of, variant
from tests.test_cli import run
from tests.test_file_links import ENCODED, NAME, write_corpus

pytestmark = pytest.mark.slow


def test_the_finding_links_to_the_file_itself(browser: Browser, tmp_path: Path) -> None:
    line = write_corpus(tmp_path)
    assert run("check", "--offline", "--format", "html", cwd=tmp_path).returncode == 1
    tab = browser.new_page()
    tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    tab.goto((tmp_path / "reports" / "report.html").as_uri())
    link = tab.locator("#findings tbody a").first
    column = position_of(variant(("quality: 37", "quality: lots")), "lots")[1]
    assert link.inner_text() == f"seeds/{NAME}:{line}:{column}"  # file:line:col, as the console says it
    assert link.get_attribute("href") == f"../seeds/{ENCODED}#L{line}"
    resolved = link.evaluate("a => a.href")
    assert resolved == (tmp_path / "seeds" / NAME).as_uri() + f"#L{line}"  # the file, the line as fragment
    tab.close()
