"""Credentials in seed URLs and in a server's redirects reach no output: console, reports, cache (issue 15.3)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.capped import run_capped
from tests.conftest import assert_valid_report
from tests.integration.server import Farm, running_farm, send
from tests.linkcheck import html

pytestmark = pytest.mark.slow
SEED_SECRET, SERVER_SECRET = "seed-T0KEN-4b1d", "server-T0KEN-77ef"


def seed(farm: Farm) -> str:
    with_credentials = farm.url("/ok").replace("http://", f"http://editor:{SEED_SECRET}@")
    return f"""---
category: news
title: "A story"
excerpt: "Something happened."
publishedDateTime: 2021-04-09T11:00:00Z
originalUrl: "{with_credentials}"
webUrl: "{farm.url('/moved')}"
type: article
provider:
  name: Farm
  domain: 127.0.0.1
topics:
  - Testing
secured: "YWJj;ZGVm"
---
"""


@pytest.fixture
def farm() -> Iterator[Farm]:
    with running_farm() as running:
        authorization: list[str] = []

        def ok(handler: BaseHTTPRequestHandler) -> None:
            authorization.append(handler.headers.get("Authorization") or "")
            send(handler, 200, html().encode(), {"Content-Type": "text/html"})

        def moved(handler: BaseHTTPRequestHandler) -> None:  # a server that puts credentials in its Location
            target = running.url("/ok").replace("http://", f"http://admin:{SERVER_SECRET}@")
            send(handler, 301, headers={"Location": target})

        running.routes.update({"/ok": ok, "/moved": moved})
        running.authorization = authorization  # type: ignore[attr-defined]
        yield running


def test_no_credentials_in_any_output_nor_sent(tmp_path: Path, farm: Farm) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text(seed(farm), encoding="utf-8")
    done = run_capped("check", "--allow-private", "--format", "json,md,junit,sarif,html", cwd=tmp_path,
                      env={"GITHUB_ACTIONS": "true"})  # the annotations are an output too
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning seed/url-credentials URL carries credentials" in done.stdout
    report = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(report)
    by_url = {link["url"]: link for link in report["links"]}
    assert by_url[farm.url("/ok").replace("http://", "http://editor:***@")]["status"] == "ok"
    moved = by_url[farm.url("/moved")]
    assert moved["status"] == "redirected"
    assert moved["final_url"] == farm.url("/ok").replace("http://", "http://admin:***@")
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.parent.name != "seeds"]
    assert {p.name for p in written} >= {"report.json", "report.md", "report.junit.xml", "report.sarif",
                                         "report.html", "cache.sqlite"}
    for secret in (SEED_SECRET, SERVER_SECRET):
        assert secret not in done.stdout + done.stderr
        for path in written:
            assert secret.encode() not in path.read_bytes(), path
    # nothing was sent either: neither the seed's credentials nor the server's became an Authorization header
    assert farm.authorization == ["", ""]  # type: ignore[attr-defined]
