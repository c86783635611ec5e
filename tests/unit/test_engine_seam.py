"""The link engine stays behind check/: plain attempt data, a pure classifier, a replaceable LinkChecker."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import REAL_SEED, ROOT
from validator import config, pipeline
from validator.check.attempt import header_map
from validator.check.client import Getter
from validator.check.fetch import fetch
from validator.clock import Clock
from validator.interrupt import Interruption
from validator.models import LinkResult, LinkStatus, Progress, RunResult


def test_fetched_headers_are_a_plain_mapping() -> None:
    assert header_map([("Content-Type", "text/html"), ("X-A", "1"), ("x-a", "2")]) == {
        "content-type": "text/html", "x-a": "1, 2"}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=[("Content-Type", "text/html"), ("Vary", "a"), ("VARY", "b")], text="x")

    getter = Getter(httpx.MockTransport(answer), user_agent="t", timeout=5, connect_timeout=5, owns_transport=True)
    fetched = asyncio.run(fetch(getter, "https://news.example/", max_redirects=3, max_body=1024))
    assert type(fetched.headers) is dict
    assert fetched.headers == {"content-type": "text/html", "vary": "a, b", "content-length": "1"}


def test_classification_and_the_post_pass_import_no_io() -> None:
    code = ("import sys, validator.check.classify, validator.check.verdicts, validator.check.retry; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'httpcore', 'sqlite3', 'ssl') "
            "or m in ('validator.check.fetch', 'validator.check.client', 'validator.check.cache')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


class _EveryLinkOk:
    """A link checker that is not the HTTP engine: pipeline.run needs nothing else of one."""

    def __init__(self) -> None:
        self.calls = 0

    def check(self, result: RunResult, settings: config.Settings, *, clock: Clock,
              progress: Callable[[Progress], None] | None = None,
              interruption: Interruption | None = None) -> None:
        self.calls += 1
        for entry in result.links.values():
            entry.result = LinkResult(entry.url, entry.kind, LinkStatus.OK, "checked elsewhere")
        result.notes.append("checked by a stand-in")


def test_pipeline_run_takes_any_link_checker(seed_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(seed_dir.parent)  # a run reads only inside its working tree
    shutil.copy(REAL_SEED, seed_dir / "a.txt")
    checker = _EveryLinkOk()
    result = pipeline.run(config.Settings(paths=(seed_dir,)), checker=checker)
    assert checker.calls == 1 and result.links
    assert {entry.result.status for entry in result.links.values() if entry.result} == {LinkStatus.OK}
    assert result.notes == ["checked by a stand-in"]
