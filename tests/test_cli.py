"""End to end through the installed console script: exit codes, files written, console lines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sarif_pydantic import Sarif

from tests.conftest import REAL_SEED, assert_valid_report, position_of, variant

SCRIPT = shutil.which("seed-validator", path=str(Path(sys.executable).parent)) or "seed-validator"


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    environment.update(env or {})
    return subprocess.run([SCRIPT, *args], cwd=cwd, capture_output=True, text=True, env=environment, timeout=60,
                          check=False)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(REAL_SEED, seeds / "good.txt")
    (seeds / "bad.txt").write_text(variant(("quality: 37", "quality: lots"), ("  - AI\n", "  - AI\n  -\n")),
                                   encoding="utf-8")
    (seeds / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    (seeds / "notes.json").write_text("{}", encoding="utf-8")  # not a seed extension: ignored
    return tmp_path


def test_clean_corpus_exits_0_and_writes_json_and_markdown(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    shutil.copy(REAL_SEED, tmp_path / "seeds" / "a.txt")
    done = run("check", "--offline", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert ("1 file(s), 1 record(s): 0 error(s), 0 warning(s) (structure findings: 0 error(s), 0 warning(s)); "
            "links not checked (--offline)") in done.stdout
    assert done.stdout.splitlines()[-1] == "Passed: no problem at or above --fail-on error. Exit code 0: nothing fails."
    report = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(report)
    assert report["summary"]["records"] == 1 and report["violations"] == []
    assert report["run"]["links_checked"] is False and report["links"] == []
    assert (tmp_path / "reports" / "report.md").is_file()
    assert not (tmp_path / "reports" / "report.sarif").exists()


def test_findings_exit_1_with_one_console_line_each_and_the_run_goes_on(corpus: Path) -> None:
    done = run("check", "--offline", "--format", "json,md,junit,sarif", cwd=corpus)
    assert done.returncode == 1, done.stderr
    text = (corpus / "seeds" / "bad.txt").read_text(encoding="utf-8")
    line, column = position_of(text, "lots")
    assert f"seeds/bad.txt:{line}:{column}: error schema/type 'lots' is not of type 'integer' (/quality)" in done.stdout
    assert "seeds/broken.md:3:1: error yaml/syntax" in done.stdout
    null_line = position_of(text, "  -\n")[0]
    assert f"seeds/bad.txt:{null_line}:4: warning seed/null-topic" in done.stdout
    # files are read in name order: the later one gets the warning, naming the earlier
    assert "seeds/good.txt:7:9: warning seed/duplicate-article same article as seeds/bad.txt" in done.stdout
    assert done.stdout.splitlines()[-2] == (
        "3 file(s), 2 record(s): 2 error(s), 2 warning(s) (structure findings: 2 error(s), 2 warning(s)); "
        "links not checked (--offline)")
    assert done.stdout.splitlines()[-1] == ("Failed: 2 problem(s) at or above --fail-on error (2 structure "
                                            "finding(s)). Exit code 1: problems that fail.")

    report = json.loads((corpus / "reports" / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(report)
    assert report["summary"]["files"] == 3 and report["summary"]["violations"] == {"error": 2, "warning": 2}
    assert [(v["file"], v["rule"]) for v in report["violations"]] == [
        ("seeds/bad.txt", "schema/type"), ("seeds/bad.txt", "seed/null-topic"),
        ("seeds/broken.md", "yaml/syntax"), ("seeds/good.txt", "seed/duplicate-article")]

    suite = ET.parse(corpus / "reports" / "report.junit.xml").getroot()
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert set(cases) == {"seeds/good.txt", "seeds/bad.txt", "seeds/broken.md"}
    assert cases["seeds/good.txt"].find("failure") is None
    assert cases["seeds/bad.txt"].find("failure") is not None
    assert "seed/null-topic" in (cases["seeds/bad.txt"].findtext("system-out") or "")
    assert suite.get("failures") == "2" and suite.get("tests") == "3"

    sarif_text = (corpus / "reports" / "report.sarif").read_text(encoding="utf-8")
    sarif = Sarif.model_validate_json(sarif_text)
    assert sarif.version == "2.1.0"
    results = sarif.runs[0].results or []
    assert len(results) == 4
    rules = {r.id for r in sarif.runs[0].tool.driver.rules or []}
    assert rules == {"schema/type", "seed/null-topic", "seed/duplicate-article", "yaml/syntax"}
    first = next(r for r in results if r.rule_id == "schema/type")
    region = first.locations[0].physical_location.region
    assert (region.start_line, region.start_column) == (line, column)

    markdown = (corpus / "reports" / "report.md").read_text(encoding="utf-8")
    assert markdown.index("seeds/bad.txt") < markdown.index("seeds/broken.md")  # grouped, most severe first
    assert f"[{line}](../seeds/bad.txt#L{line})" in markdown


def test_fail_on_warning_and_never(corpus: Path) -> None:
    (corpus / "seeds" / "bad.txt").write_text(variant(("  - AI\n", "  - AI\n  -\n")), encoding="utf-8")
    (corpus / "seeds" / "broken.md").unlink()
    assert run("check", "--offline", cwd=corpus).returncode == 0
    assert run("check", "--offline", "--fail-on", "warning", cwd=corpus).returncode == 1
    assert run("check", "--offline", "--fail-on", "never", "seeds/bad.txt", cwd=corpus).returncode == 0


def test_github_actions_annotations(corpus: Path) -> None:
    done = run("check", "--offline", cwd=corpus, env={"GITHUB_ACTIONS": "true"})
    assert "::error file=seeds/broken.md,line=3,col=1,title=yaml/syntax::invalid YAML" in done.stdout
    assert "::warning file=seeds/bad.txt," in done.stdout


def test_silent_prints_nothing_but_writes_reports(corpus: Path) -> None:
    done = run("check", "--offline", "--silent", "--output-dir", "out", cwd=corpus)
    assert done.returncode == 1 and done.stdout == "" and done.stderr == ""
    assert (corpus / "out" / "report.json").is_file()


def test_quiet_prints_the_problems_and_nothing_else(corpus: Path) -> None:
    loud = run("check", "--offline", cwd=corpus)
    done = run("check", "--offline", "--quiet", "--output-dir", "out", cwd=corpus)
    assert done.returncode == 1 and done.stderr == ""
    problems = [line for line in loud.stdout.splitlines() if line.startswith("seeds/")]
    assert len(problems) == 4 and done.stdout.splitlines() == problems  # no reports line, counts or verdict
    assert (corpus / "out" / "report.json").is_file()


def test_python_dash_m_and_version(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "validator", "--version"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0 and done.stdout.startswith("seed-validator ")


def test_schema_command_prints_path_and_content(tmp_path: Path) -> None:
    done = run("schema", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip().endswith("seed.schema.json")
    content = run("schema", "--content", cwd=tmp_path)
    assert json.loads(content.stdout)["title"] == "News seed record"


def test_custom_schema_flag(corpus: Path) -> None:
    (corpus / "s.json").write_text('{"type": "object", "required": ["author"]}', encoding="utf-8")
    done = run("check", "--offline", "--schema", "s.json", "seeds/good.txt", cwd=corpus)
    assert done.returncode == 1
    assert "schema/required 'author' is a required property" in done.stdout


@pytest.mark.parametrize("args, message", [
    (["check", "--offline", "--format", "pdf"], "--format: unknown format pdf"),
    (["check", "--offline", "--schema", "missing.json"], "cannot read schema missing.json"),
    (["check", "--offline", "--max-cache-age", "soon"], "cannot read 'soon' as a duration"),
    (["check", "--offline", "--concurrency", "0"], "'concurrency' must be at least 1"),
])
def test_usage_errors_exit_2_with_a_message(corpus: Path, args: list[str], message: str) -> None:
    done = run(*args, cwd=corpus)
    assert done.returncode == 2
    assert message in done.stderr


def test_missing_default_folder_says_what_to_do(tmp_path: Path) -> None:
    done = run("check", "--offline", cwd=tmp_path)
    assert done.returncode == 2 and "name the seed files or folders to check" in done.stderr


def test_a_missing_path_named_explicitly_is_exit_2_with_one_line(corpus: Path) -> None:
    # Issue 11.2: it was a finding on a "1 file" run; a mistyped path must not look like a checked file.
    done = run("check", "--offline", "seeds/good.txt", "nope.txt", cwd=corpus)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "seed-validator: error: nope.txt: no such file or folder\n"
    assert not (corpus / "reports").exists()


def test_config_file_unknown_key_is_exit_2(corpus: Path) -> None:
    (corpus / "seed-validator.toml").write_text("concurency = 3\n", encoding="utf-8")
    done = run("check", "--offline", cwd=corpus)
    assert done.returncode == 2
    assert "unknown key 'concurency'; did you mean 'concurrency'?" in done.stderr


def test_help_lists_the_options() -> None:
    done = subprocess.run([SCRIPT, "check", "--help"], capture_output=True, text=True, check=False)
    for option in ("--offline", "--format", "--output-dir", "--fail-on", "--quiet", "--schema", "--allow-private"):
        assert option in done.stdout


def test_checking_a_parent_folder_skips_the_report_folder(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    shutil.copy(REAL_SEED, tmp_path / "seeds" / "a.txt")
    assert run("check", "--offline", cwd=tmp_path).returncode == 0  # writes reports/report.md
    again = run("check", "--offline", ".", cwd=tmp_path)
    assert again.returncode == 0 and "1 file(s), 1 record(s)" in again.stdout
