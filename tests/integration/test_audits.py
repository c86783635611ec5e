"""Whole-corpus audits: shards merged equal one run; an interrupted run reports what it found and resumes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import assert_valid_report
from tests.integration.server import Farm, running_farm
from tests.integration.test_cli_links import seed
from tests.test_cli import SCRIPT, run

pytestmark = pytest.mark.slow
TIMINGS = ("started_at", "finished_at")


@pytest.fixture(scope="module")
def farms() -> Iterator[list[Farm]]:
    with ExitStack() as stack:
        yield [stack.enter_context(running_farm(f"127.0.0.{i}")) for i in range(1, 5)]


def corpus(directory: Path, farms: list[Farm]) -> None:
    seeds = directory / "seeds"
    seeds.mkdir()
    pages = ["/ok", "/missing", "/gone", "/not-amp"]
    for n in range(8):
        page_farm, image_farm = farms[n % 4], farms[(n + 1) % 4]
        text = seed(page_farm, pages[n % 4] + f"?n={n}", "/image.png")
        text = text.replace(page_farm.url("/image.png"), image_farm.url("/image.png"))
        text = text.replace("domain: 127.0.0.1", f"domain: {page_farm.host}")
        if n == 5:
            text = text.replace('title: "A story"', 'title: ""')  # a schema finding in one shard's file
        (seeds / f"s{n}.txt").write_text(text, encoding="utf-8")
    (seeds / "dup.txt").write_text((seeds / "s0.txt").read_text(encoding="utf-8"), encoding="utf-8")


def without_timings(report: dict[str, Any]) -> dict[str, Any]:
    report = json.loads(json.dumps(report))
    for key in (*TIMINGS, "shard"):
        report["run"].pop(key, None)
    for link in report["links"]:
        link.pop("elapsed_ms")
        link.pop("checked_at")
    return report


def test_merged_shards_equal_the_unsharded_report(tmp_path: Path, farms: list[Farm]) -> None:
    corpus(tmp_path, farms)
    common = ["--allow-private", "--no-cache", "--retries", "0"]
    whole = run("check", *common, "--output-dir", "whole", cwd=tmp_path)
    assert whole.returncode == 1, whole.stdout + whole.stderr
    expected = json.loads((tmp_path / "whole" / "report.json").read_text(encoding="utf-8"))
    assert expected["summary"]["links"] >= 10 and expected["violations"]

    shard_reports = []
    for k in (1, 2, 3):
        out = f"shard{k}"
        done = run("check", *common, "--shard", f"{k}/3", "--output-dir", out, cwd=tmp_path)
        assert done.returncode in (0, 1), done.stderr
        report = json.loads((tmp_path / out / "report.json").read_text(encoding="utf-8"))
        assert_valid_report(report)
        assert report["run"]["shard"] == {"index": k, "total": 3} and report["run"]["complete"] is False
        shard_reports.append(f"{out}/report.json")

    partial = run("merge", *shard_reports[:2], "--output-dir", "partial", cwd=tmp_path)
    assert partial.returncode == 1 and "INCOMPLETE" in partial.stdout
    assert "shard(s) 3 of 3 missing" in partial.stdout

    merged_run = run("merge", *shard_reports, "--output-dir", "merged", cwd=tmp_path)
    assert merged_run.returncode == 0, merged_run.stdout + merged_run.stderr
    merged = json.loads((tmp_path / "merged" / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(merged)
    assert merged["run"]["complete"] is True
    assert without_timings(merged) == without_timings(expected)


def test_shard_auto_reads_gitlab_and_kubernetes_variables(tmp_path: Path, farms: list[Farm]) -> None:
    corpus(tmp_path, farms)
    gitlab = run("check", "--offline", "--shard", "auto", "--output-dir", "g", cwd=tmp_path,
                 env={"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3"})
    kubernetes = run("check", "--offline", "--shard", "auto", "--shard-total", "3", "--output-dir", "k",
                     cwd=tmp_path, env={"JOB_COMPLETION_INDEX": "1"})
    for out, done in (("g", gitlab), ("k", kubernetes)):
        assert done.returncode in (0, 1), done.stderr
        shard = json.loads((tmp_path / out / "report.json").read_text(encoding="utf-8"))["run"]["shard"]
        assert shard == {"index": 2, "total": 3}
    missing = run("check", "--offline", "--shard", "auto", cwd=tmp_path, env={"JOB_COMPLETION_INDEX": "1"})
    assert missing.returncode == 2 and "--shard-total" in missing.stderr


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_an_interrupted_audit_reports_what_it_found_and_a_rerun_resumes(
        tmp_path: Path, farms: list[Farm], signum: int, code: int) -> None:
    slow, fast = farms[0], farms[1]
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for n in range(6):
        (seeds / f"ok{n}.txt").write_text(seed(fast, f"/ok?n={n}", "/image.png").replace(
            "domain: 127.0.0.1", "domain: 127.0.0.2").replace('title: "A story"', f'title: "Story {n}"'),
            encoding="utf-8")
    for n in range(4):
        (seeds / f"slow{n}.txt").write_text(seed(slow, f"/hang?n={n}", "/image.png"), encoding="utf-8")
    (seeds / "broken.txt").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    before = slow.hits.get("/hang", 0)
    process = subprocess.Popen([SCRIPT, "check", "--allow-private", "--timeout", "60", "--per-host", "2"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while slow.hits.get("/hang", 0) - before < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # let the fast host's links finish
    started = time.monotonic()
    process.send_signal(signum)
    out, err = process.communicate(timeout=20)
    assert time.monotonic() - started < 10  # in-flight requests were cancelled promptly
    assert process.returncode == code, out + err
    assert "interrupted" in err and "complete: false" in err

    report = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(report)
    assert report["run"]["complete"] is False and report["run"]["interrupted"] is True
    assert [v["rule"] for v in report["violations"]] == ["yaml/syntax"]
    checked = {link["url"] for link in report["links"]}
    assert fast.url("/ok?n=0") in checked
    assert not any("/hang" in url for url in checked)

    with sqlite3.connect(tmp_path / ".seed-validator" / "cache.sqlite") as db:
        cached = db.execute("SELECT count(*) FROM verdicts").fetchone()[0]
    assert cached >= len(checked) - 1  # everything that finished (errors aside) is in the cache

    fast_hits = dict(fast.hits)
    rerun = run("check", "--allow-private", "--timeout", "1", "--retries", "0", cwd=tmp_path)
    assert rerun.returncode == 1
    resumed = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))
    assert resumed["run"]["complete"] is True
    assert all(link["from_cache"] for link in resumed["links"] if "127.0.0.2" in link["url"])
    assert fast.hits == fast_hits  # nothing fetched again from the host that had answered


def test_merge_writes_markdown_and_sarif_too(tmp_path: Path, farms: list[Farm]) -> None:
    corpus(tmp_path, farms)
    for k in (1, 2):
        done = run("check", "--offline", "--shard", f"{k}/2", "--output-dir", f"s{k}", cwd=tmp_path)
        assert done.returncode in (0, 1)
    assert run("merge", "s1/report.json", "s2/report.json", "--output-dir", "m", cwd=tmp_path).returncode == 0
    markdown = (tmp_path / "m" / "report.md").read_text(encoding="utf-8")
    assert "| files | 9 |" in markdown and "seeds/s5.txt" in markdown
    assert json.loads((tmp_path / "m" / "report.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
