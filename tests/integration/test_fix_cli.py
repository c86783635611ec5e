"""`check --fix`, `--diff`, `--unsafe-fixes`, `--from-report` and archived copies, end to end: the console
script against a loopback link farm and a loopback fake web archive."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sarif_pydantic import Sarif

from tests.conftest import ROOT, assert_valid_report
from tests.integration.server import Farm, running_farm, send
from tests.test_cli import run
from validator.fix.edits import Edit, LineIndex, apply_edits

pytestmark = pytest.mark.slow
FIXTURES = ROOT / "tests" / "fixtures" / "fix"


def _wayback(handler: BaseHTTPRequestHandler) -> None:
    """The Wayback availability API's answer: a snapshot of anything under /gone, nothing otherwise."""
    query = parse_qs(urlsplit(handler.path).query)
    url, stamp = query["url"][0], query.get("timestamp", ["20200101000000"])[0]
    closest = {"status": "200", "available": True, "timestamp": stamp,
               "url": f"http://web.archive.org/web/{stamp}/{url}"} if "/gone" in url else None
    body = {"url": url, "archived_snapshots": {"closest": closest} if closest else {}}
    send(handler, 200, json.dumps(body).encode(), {"Content-Type": "application/json"})


@pytest.fixture(scope="module")
def farm() -> Iterator[Farm]:
    with running_farm() as running:
        running.routes["/moved"] = lambda h: send(h, 301, headers={"Location": "/ok"})
        running.routes["/wayback/available"] = _wayback
        yield running


def seed(farm: Farm) -> str:
    return f"""---
category: news
title: "A story"
excerpt: "Something happened."
publishedDateTime: 2021-04-09T11:00:00Z
originalUrl: '{farm.url("/moved")}'   # moved permanently, same site
webUrl: "{farm.url("/gone")}"
type: article
provider:
  name: Farm
  domain: 127.0.0.1
topics:
  - Testing
images:
  - url: "{farm.url("/image.png")}"
    width: 480
    height: 320
secured: "YWJj;ZGVm"
---
"""


@pytest.fixture
def corpus(tmp_path: Path, farm: Farm) -> Path:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text(seed(farm), encoding="utf-8")
    return tmp_path


def report_of(corpus: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads((corpus / "reports" / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(report)
    return report


def test_dead_links_get_archived_copies_in_every_report_and_fix_applies_them(corpus: Path, farm: Farm) -> None:
    archive = farm.url("/wayback/available")
    done = run("check", "--allow-private", "--no-cache", "--suggest-archived", "--archive-endpoint", archive,
               "--format", "json,md,html", cwd=corpus)
    assert done.returncode == 1, done.stdout + done.stderr
    snapshot = f"https://web.archive.org/web/20210409110000/{farm.url('/gone')}"
    assert f"archived copy of {farm.url('/gone')}: {snapshot} (2021-04-09)" in done.stdout
    assert "fix: 1 problem(s) have a safe fix: `seed-validator check --fix`" in done.stdout
    assert "fix: 1 problem(s) have an unsafe fix, to review: `seed-validator check --fix --unsafe-fixes`" in done.stdout
    report = report_of(corpus)
    links = {link["url"]: link for link in report["links"]}
    assert links[farm.url("/gone")]["archived"] == {"url": snapshot, "timestamp": "2021-04-09T11:00:00Z"}
    assert links[farm.url("/moved")]["status"] == "redirected" and "archived" not in links[farm.url("/moved")]
    markdown = (corpus / "reports" / "report.md").read_text(encoding="utf-8")
    assert f"archived copy: [2021-04-09]({snapshot})" in markdown
    assert (f"page link redirected: {farm.url('/moved')} (moved permanently to {farm.url('/ok')}) 🔧 safe fix"
            in markdown)
    assert f"page link dead: {farm.url('/gone')} (HTTP 410) 🔧 unsafe fix" in markdown
    html = (corpus / "reports" / "report.html").read_text(encoding="utf-8")
    assert snapshot in html and '"fix":"unsafe"' in html and '"fixCommands"' in html

    fixed = run("check", "--allow-private", "--no-cache", "--fix", "--unsafe-fixes", "--archive-endpoint", archive,
                cwd=corpus)
    text = (corpus / "seeds" / "a.txt").read_text(encoding="utf-8")
    assert f"originalUrl: '{farm.url('/ok')}'   # moved permanently, same site\n" in text
    assert f'webUrl: "{snapshot}"\n' in text
    assert "fix: fixed 2 problem(s) in 1 file(s); 1 remain" in fixed.stdout
    after = report_of(corpus)
    assert [v["rule"] for v in after["violations"]] == ["seed/provider-domain"]  # web.archive.org: review it
    assert after["fixes"]["fixed"] == 2 and after["fixes"]["files"] == ["seeds/a.txt"]
    assert fixed.returncode == 0  # the warning does not fail the run

    again = run("check", "--allow-private", "--no-cache", "--offline", cwd=corpus)
    assert "seed/provider-domain" in again.stdout and "link/" not in again.stdout


def test_an_unreachable_or_slow_archive_changes_no_verdict(corpus: Path, farm: Farm) -> None:
    (corpus / "seed-validator.toml").write_text("archive-timeout = 0.2\n", encoding="utf-8")
    done = run("check", "--allow-private", "--no-cache", "--suggest-archived", "--archive-endpoint",
               farm.url("/hang"), cwd=corpus)
    assert done.returncode == 1
    report = report_of(corpus)
    assert any("could not be asked: no answer within 0.2 s" in note for note in report["run"]["notes"])
    gone = next(link for link in report["links"] if link["url"] == farm.url("/gone"))
    assert gone["status"] == "dead" and "archived" not in gone


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_archive_without_a_snapshot_or_down_suggests_nothing(corpus: Path, farm: Farm) -> None:
    seed_file = corpus / "seeds" / "a.txt"
    seed_file.write_text(seed_file.read_text(encoding="utf-8").replace("/gone", "/missing"), encoding="utf-8")
    none = run("check", "--allow-private", "--no-cache", "--suggest-archived", "--archive-endpoint",
               farm.url("/wayback/available"), cwd=corpus)
    report = report_of(corpus)
    missing = next(link for link in report["links"] if link["url"] == farm.url("/missing"))
    assert none.returncode == 1 and missing["status"] == "dead" and "archived" not in missing
    assert not any("archive" in note for note in report["run"]["notes"]) and "archived copy" not in none.stdout

    down = run("check", "--allow-private", "--no-cache", "--suggest-archived", "--archive-endpoint",
               f"http://127.0.0.1:{_closed_port()}/wayback/available", cwd=corpus)
    report = report_of(corpus)
    assert down.returncode == 1 and "note: the web archive (127.0.0.1) could not be asked" in down.stdout
    assert next(link for link in report["links"] if link["url"] == farm.url("/missing"))["status"] == "dead"


def test_from_report_fixes_links_without_fetching_them(corpus: Path, farm: Farm) -> None:
    run("check", "--allow-private", "--no-cache", cwd=corpus)
    shutil.copy(corpus / "reports" / "report.json", corpus / "previous.json")
    hits = dict(farm.hits)
    done = run("check", "--fix", "--from-report", "previous.json", cwd=corpus)
    assert farm.hits == hits, "nothing is fetched with --from-report"
    assert "fix: fixed 1 problem(s) in 1 file(s)" in done.stdout, done.stdout + done.stderr
    assert f"originalUrl: '{farm.url('/ok')}'" in (corpus / "seeds" / "a.txt").read_text(encoding="utf-8")
    bad = run("check", "--fix", "--from-report", "seeds/a.txt", cwd=corpus)
    assert bad.returncode == 2 and "report seeds/a.txt is not valid JSON" in bad.stderr


@pytest.fixture
def defects(tmp_path: Path) -> Path:
    """Files of the golden cases that need no link verdicts, side by side."""
    (tmp_path / "seeds").mkdir()
    for case in ("amp-cache-plain", "whitespace-quoted", "mojibake-and-iri", "crlf-bom", "comments", "flow-style",
                 "null-topics-block", "block-scalar"):
        before = next((FIXTURES / case).glob("before.*"))
        (tmp_path / "seeds" / f"{case}{before.suffix}").write_bytes(before.read_bytes())
    return tmp_path


def test_diff_prints_only_the_diff_writes_nothing_and_exits_1(defects: Path) -> None:
    before = {p.name: p.read_bytes() for p in (defects / "seeds").iterdir()}
    done = run("check", "--offline", "--diff", cwd=defects)
    assert done.returncode == 1
    assert done.stdout.startswith("--- a/seeds/") and "+++ b/seeds/" in done.stdout
    assert "fix:" not in done.stdout and "would fix" in done.stderr
    assert {p.name: p.read_bytes() for p in (defects / "seeds").iterdir()} == before
    run("check", "--offline", "--fix", "--unsafe-fixes", cwd=defects)
    clean = run("check", "--offline", "--diff", "--unsafe-fixes", cwd=defects)
    assert clean.returncode == 0 and clean.stdout == ""


def _apply_sarif(sarif_text: str, root: Path, *, safeties: set[str]) -> None:
    """Apply a SARIF log's fixes to the files, as an editor or code-scanning autofix would."""
    log = json.loads(sarif_text)
    edits: dict[str, set[tuple[int, int, int, int, str]]] = {}
    for result in log["runs"][0]["results"]:
        for fix in result.get("fixes", [])[:1]:
            if fix["properties"]["safety"] not in safeties:
                continue
            for change in fix["artifactChanges"]:
                for replacement in change["replacements"]:
                    region = replacement["deletedRegion"]
                    edits.setdefault(change["artifactLocation"]["uri"], set()).add((
                        region["startLine"], region["startColumn"], region["endLine"], region["endColumn"],
                        replacement.get("insertedContent", {}).get("text", "")))
    for uri, file_edits in edits.items():
        raw = (root / uri).read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw[3 if bom else 0:].decode("utf-8")
        lines = LineIndex(text)
        new = apply_edits(text, [Edit(lines.offset(sl, sc), lines.offset(el, ec), inserted)
                                 for sl, sc, el, ec, inserted in file_edits])
        (root / uri).write_bytes((b"\xef\xbb\xbf" if bom else b"") + new.encode("utf-8"))


@pytest.mark.parametrize("unsafe", [False, True])
def test_sarif_fixes_applied_to_the_files_give_what_fix_gives(defects: Path, tmp_path: Path, unsafe: bool) -> None:
    done = run("check", "--offline", "--format", "sarif", cwd=defects)
    sarif_text = (defects / "reports" / "report.sarif").read_text(encoding="utf-8")
    sarif = Sarif.model_validate_json(sarif_text)
    results = sarif.runs[0].results or []
    with_fixes = [r for r in results if r.fixes]
    assert done.returncode == 1 and with_fixes and all(
        f.artifact_changes and f.description and f.description.text for r in with_fixes for f in r.fixes or [])
    copy = tmp_path / "copy"
    shutil.copytree(defects / "seeds", copy / "seeds")
    _apply_sarif(sarif_text, copy, safeties={"safe", "unsafe"} if unsafe else {"safe"})
    run("check", "--offline", "--fix", *(["--unsafe-fixes"] if unsafe else []), cwd=defects)
    for path in sorted((defects / "seeds").iterdir()):
        assert (copy / "seeds" / path.name).read_bytes() == path.read_bytes(), path.name
