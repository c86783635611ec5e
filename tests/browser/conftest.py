"""Headless Chromium for the HTML report tests: Debian's chromium driven by Playwright, never a downloaded one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync", "--disable-quic"]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Module-scoped: Playwright's sync API keeps an event loop running in this thread while it is open,
    and the link checker's own asyncio.run() in later tests must not find one."""
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium found on PATH (chromium, chromium-browser or google-chrome); "
                    "install it with `apt-get install chromium` to run the HTML report's browser tests")
    with sync_playwright() as playwright:
        # launch() gives every run a fresh, temporary profile (--user-data-dir).
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
