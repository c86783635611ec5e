"""The commands that read reports back (merge, diff, check --previous), end to end through the console script."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import REAL_SEED, assert_valid_report, variant
from tests.test_cli import run
from tests.unit.runs import rich_run
from validator.report import codec


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for n in range(5):
        (seeds / f"s{n}.txt").write_text(variant(("quality: 37", f"quality: {30 + n}")), encoding="utf-8")
    (seeds / "bad.txt").write_text(variant(("quality: 37", "quality: lots")), encoding="utf-8")
    (seeds / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    return tmp_path


def shards(corpus: Path, total: int, *extra: str) -> list[str]:
    reports = []
    for k in range(1, total + 1):
        done = run("check", "--offline", "--quiet", *extra, "--shard", f"{k}/{total}", "--output-dir", f"s{k}",
                   cwd=corpus)
        assert done.returncode in (0, 1), done.stderr
        reports.append(f"s{k}/report.json")
    return reports


def junit_cases(path: Path) -> dict[str, bool]:
    """Each testcase of a JUnit report, and whether it failed."""
    return {case.get("name") or "": case.find("failure") is not None for case in ET.parse(path).iter("testcase")}


def test_merge_writes_every_format_check_can(corpus: Path) -> None:
    whole = run("check", "--offline", "--format", "junit,html", "--output-dir", "whole", cwd=corpus)
    assert whole.returncode == 1, whole.stderr
    done = run("merge", *shards(corpus, 2), "--format", "html,junit", "--output-dir", "merged", cwd=corpus)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "merged/report.html, merged/report.junit.xml" in done.stdout
    assert sorted(p.name for p in (corpus / "merged").iterdir()) == ["report.html", "report.junit.xml"]
    # every checked file is a testcase, as in the unsharded run: the merge knows which files were checked
    assert junit_cases(corpus / "merged" / "report.junit.xml") == junit_cases(corpus / "whole" / "report.junit.xml")
    assert len(junit_cases(corpus / "whole" / "report.junit.xml")) == 7
    page = (corpus / "merged" / "report.html").read_text(encoding="utf-8")
    assert '<li class="card" data-card="records"><span class="n ">6</span>records</li>' in page


def test_merge_keeps_the_baseline_of_the_shards(corpus: Path) -> None:
    assert run("baseline", "--offline", "--quiet", cwd=corpus).returncode == 0
    (corpus / "seeds" / "bad.txt").write_text(variant(("quality: 37", "quality: 99")), encoding="utf-8")
    baseline = ("--baseline", "seed-validator-baseline.json")
    assert run("check", "--offline", "--quiet", *baseline, "--output-dir", "whole", cwd=corpus).returncode == 0
    assert run("merge", *shards(corpus, 3, *baseline), "--output-dir", "merged", cwd=corpus).returncode == 0
    merged = json.loads((corpus / "merged" / "report.json").read_text(encoding="utf-8"))
    whole = json.loads((corpus / "whole" / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(merged)
    assert merged["baseline"] == whole["baseline"] and merged["baseline"]["fixed"] == [
        {"file": "seeds/bad.txt", "pointer": "/quality", "rule": "schema/type"}]
    markdown = (corpus / "merged" / "report.md").read_text(encoding="utf-8")
    assert "Baseline `seed-validator-baseline.json`: 0 new problem(s)" in markdown


@pytest.mark.parametrize("args, message", [
    (["merge", "good.json", "--format", "pdf"], "--format: unknown format pdf"),
    (["merge", "bad.json"], "bad.json is not a seed-validator JSON report: violations[0].line: expected an integer"),
    (["diff", "bad.json", "good.json"], "bad.json is not a seed-validator JSON report: violations[0]"),
    (["check", "--offline", "--previous", "bad.json"], "bad.json is not a seed-validator JSON report"),
    (["diff", "missing.json", "good.json"], "cannot read report missing.json"),
])
def test_a_report_that_cannot_be_used_is_exit_2_with_what_is_wrong(corpus: Path, args: list[str],
                                                                   message: str) -> None:
    report = json.loads("".join(codec.to_document(rich_run())))
    (corpus / "good.json").write_text(json.dumps(report), encoding="utf-8")
    report["violations"][0]["line"] = "eleven"
    (corpus / "bad.json").write_text(json.dumps(report), encoding="utf-8")
    done = run(*args, cwd=corpus)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_previous_and_diff_say_what_changed(corpus: Path) -> None:
    assert run("check", "--offline", "--quiet", "--output-dir", "before", cwd=corpus).returncode == 1
    (corpus / "seeds" / "broken.md").unlink()
    shutil.copy(REAL_SEED, corpus / "seeds" / "new.txt")
    done = run("check", "--offline", "--quiet", "--previous", "before/report.json", "--format", "json,md,html",
               "--output-dir", "after", cwd=corpus)
    assert done.returncode == 1
    markdown = (corpus / "after" / "report.md").read_text(encoding="utf-8")
    section = markdown.split("## Since the previous run\n\n", 1)[1].split("\n## ", 1)[0]
    assert "### Fixed findings (1)\n\n- seeds/broken.md:3 `yaml/syntax` /: invalid YAML" in section
    assert "### New findings (1)\n\n- seeds/new.txt:7 `seed/duplicate-article`" in section
    assert 'id="since"' in (corpus / "after" / "report.html").read_text(encoding="utf-8")
    diff = run("diff", "before/report.json", "after/report.json", cwd=corpus)
    assert diff.returncode == 0
    assert diff.stdout.startswith("# Changes from before/report.json to after/report.json\n")
    assert "### Fixed findings (1)" in diff.stdout and "### New findings (1)" in diff.stdout
    assert (corpus / "reports" / "diff.md").read_text(encoding="utf-8") == diff.stdout
