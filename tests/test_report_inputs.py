"""Report and baseline files are inputs an attacker may write: merge, diff, check --previous and check --baseline
bound them (size, nesting), check them against their schemas (numbers bounded) and refuse a bad one with
exit 2, the file and its first problem on one line, under a memory cap and a time limit (issue 15.6)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.capped import run_capped
from tests.conftest import REAL_SEED
from tests.unit.runs import rich_run
from validator import baseline
from validator.report import codec

CAP = 16384  # --max-report-size in the "huge" cases: the files stay small


def report() -> dict[str, Any]:
    document: dict[str, Any] = json.loads("".join(codec.to_document(rich_run())))
    return document


def baseline_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(baseline.render([], "1.2.3"))
    document["entries"] = [{"file": "seeds/a.txt", "pointer": "/title", "rule": "schema/type"}]
    return document


def write_json(document: dict[str, Any]) -> Callable[[Path], object]:
    return lambda path: path.write_text(json.dumps(document), encoding="utf-8")


def nested(path: Path) -> None:
    path.write_text("[" * 100_000, encoding="utf-8")


def nested_in_a_report(path: Path) -> None:
    path.write_text('{"format_version": 1, "run": {"options": ' + "[" * 100_000 + "]" * 100_000 + "}}",
                    encoding="utf-8")


def padded(document: dict[str, Any]) -> Callable[[Path], object]:
    return lambda path: path.write_text(json.dumps(document) + " " * (2 * CAP), encoding="utf-8")


def mistyped_report() -> dict[str, Any]:
    document = report()
    document["violations"][0]["line"] = "eleven"
    return document


def huge_shard_total() -> dict[str, Any]:
    document = report()
    document["run"]["shard"]["total"] = 10**18
    return document


def mistyped_baseline() -> dict[str, Any]:
    document = baseline_document()
    document["entries"][0]["file"] = 5
    return document


def huge_baseline_version() -> dict[str, Any]:
    document = baseline_document()
    document["format_version"] = 10**18
    return document


def fifo(path: Path) -> None:
    os.mkfifo(path)  # nobody ever writes to it: opening it for reading must not wait


def sparse(path: Path) -> None:
    with path.open("wb") as handle:
        handle.truncate(300 * 1024 * 1024)  # over the default 256 MiB cap, and takes no disk


REPORT_CASES = {
    "nested": (nested, "is nested more than 64 levels deep"),
    "nested deep inside": (nested_in_a_report, "is nested more than 64 levels deep"),
    "huge": (padded(report()), f"is larger than {CAP} bytes (--max-report-size)"),
    "over the default cap": (sparse, "is larger than 268435456 bytes (--max-report-size)"),
    "mistyped": (write_json(mistyped_report()),
                 "is not a seed-validator JSON report: violations[0].line: expected an integer or null, got str"),
    "shard total": (write_json(huge_shard_total()), "is not a seed-validator JSON report: run.shard.total: "
                                                    "1000000000000000000 is greater than the maximum of 10000"),
    "fifo": (fifo, "is not a regular file"),
}
BASELINE_CASES = {
    "nested": (nested, "is nested more than 64 levels deep"),
    "huge": (padded(baseline_document()), f"is larger than {CAP} bytes (--max-report-size)"),
    "mistyped": (write_json(mistyped_baseline()),
                 "is not a seed-validator baseline: entries[0].file: expected a string, got int"),
    "absurd version": (write_json(huge_baseline_version()), "has format_version 1000000000000000000; this "
                                                          "seed-validator reads 1"),
    "fifo": (fifo, "is not a regular file"),
}
COMMANDS = {
    "merge": ["merge", "bad.json"],
    "diff old": ["diff", "bad.json", "good.json"],
    "diff new": ["diff", "good.json", "bad.json"],
    "check --previous": ["check", "--offline", "--previous", "bad.json"],
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    shutil.copy(REAL_SEED, tmp_path / "seeds" / "a.txt")
    write_json(report())(tmp_path / "good.json")
    return tmp_path


def size_limit(case: str) -> list[str]:
    """--max-report-size for the "huge" cases; every other case runs with the default."""
    return ["--max-report-size", str(CAP)] if case == "huge" else []


def assert_refused(done: Any, file: str, message: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.endswith("\n") and done.stderr.count("\n") == 1, done.stderr  # one line
    assert done.stderr.startswith("seed-validator: error: ") and file in done.stderr, done.stderr
    assert message in done.stderr, done.stderr


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", REPORT_CASES)
def test_a_hostile_report_is_refused(corpus: Path, command: str, case: str) -> None:
    make, message = REPORT_CASES[case]
    make(corpus / "bad.json")
    done = run_capped(*COMMANDS[command], *size_limit(case), cwd=corpus)
    assert_refused(done, "bad.json", message)
    assert not (corpus / "reports").exists()  # refused before anything ran or was written


@pytest.mark.parametrize("case", BASELINE_CASES)
def test_a_hostile_baseline_is_refused(corpus: Path, case: str) -> None:
    make, message = BASELINE_CASES[case]
    make(corpus / "bad.json")
    done = run_capped("check", "--offline", "--baseline", "bad.json", *size_limit(case), cwd=corpus)
    assert_refused(done, "bad.json", message)
    assert not (corpus / "reports").exists()


def test_a_report_within_bounds_is_still_read(corpus: Path) -> None:
    done = run_capped("diff", "good.json", "good.json", "--max-report-size", str(CAP), cwd=corpus)
    assert done.returncode == 0, done.stderr
    assert "Nothing changed." in done.stdout


HOSTILE = "x | y\n## Injected heading <img src=x onerror=alert(1)>"


def test_strings_from_a_report_are_escaped_like_seed_text(corpus: Path) -> None:
    old = report()
    old["violations"] = [{**old["violations"][0], "file": "seeds/a.txt", "pointer": "/nowhere", "message": HOSTILE}]
    write_json(old)(corpus / "old.json")
    done = run_capped("check", "--offline", "--previous", "old.json", "--format", "md", cwd=corpus)
    assert done.returncode == 0, done.stderr
    markdown = (corpus / "reports" / "report.md").read_text(encoding="utf-8")
    escaped = "x \\| y\\\\n\\#\\# Injected heading &lt;img src=x onerror=alert(1)&gt;"  # the line break shown as \\n
    assert f"- seeds/a.txt:3 `schema/type` /nowhere: {escaped}\n" in markdown
    assert "\n## Injected" not in markdown and "<img" not in markdown
    diff = run_capped("diff", "old.json", "reports/report.md", cwd=corpus)  # not a report: refused
    assert diff.returncode == 2
    assert run_capped("check", "--offline", "--quiet", "--output-dir", "new", cwd=corpus).returncode == 0
    diff = run_capped("diff", "old.json", "new/report.json", cwd=corpus)
    assert diff.returncode == 0 and escaped in diff.stdout and "<img" not in diff.stdout


def test_strings_from_a_baseline_are_escaped_like_seed_text(corpus: Path) -> None:
    document = baseline_document()
    document["entries"] = [{"file": "seeds/a.txt", "pointer": "/gone", "rule": "link/dead", "url": HOSTILE}]
    write_json(document)(corpus / "baseline.json")
    done = run_capped("check", "--offline", "--baseline", "baseline.json", "--format", "md", cwd=corpus)
    assert done.returncode == 0, done.stderr
    markdown = (corpus / "reports" / "report.md").read_text(encoding="utf-8")
    assert ("- `seeds/a.txt` `link/dead` /gone x \\| y\\\\n\\#\\# Injected heading &lt;img src=x onerror=alert(1)&gt;\n"
            in markdown)
    assert "\n## Injected" not in markdown and "<img" not in markdown


def test_lone_surrogates_in_a_report_read_back_are_written_back_not_a_crash(corpus: Path) -> None:
    """JSON can hold "\\ud800" (a lone surrogate, no character of UTF-8): a forged or damaged shard with one in
    a reason, a message and a note still merges into every report, and report.json reads back the same text."""
    document = report()
    document["links"][0]["reason"] = "gone \ud800 here"
    for verdict in document["links"][0]["kinds"]:  # one kind: its verdict repeats the link's
        verdict["reason"] = "gone \ud800 here"
    document["violations"][0]["message"] = "bad \udfff value"
    document["run"]["notes"] = ["note \ud800"]
    (corpus / "odd.json").write_text(json.dumps(document), encoding="utf-8")  # ensure_ascii: "\ud800" escapes
    done = run_capped("merge", "odd.json", "--format", "json,md,html,junit,sarif,codeclimate", cwd=corpus)
    assert done.returncode in (0, 1), done.stderr  # what the problems say, never a traceback
    assert "Traceback" not in done.stderr
    merged = json.loads((corpus / "reports" / "report.json").read_text(encoding="utf-8"))
    assert merged["links"][0]["reason"] == "gone \ud800 here" and "note \ud800" in merged["run"]["notes"]
    assert "bad \\\\udfff value" in (corpus / "reports" / "report.md").read_text(encoding="utf-8")
