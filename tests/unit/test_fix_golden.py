"""Golden files: each tests/fixtures/fix/<case>/before.* fixed by `check --fix` (through the CLI, bytes
compared: BOM, CRLF, comments, quoting and flow style included) must equal after.*; fixing again changes
nothing; a check afterwards no longer reports what was fixed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, assert_valid_report
from validator import cli
from validator.models import ArchivedCopy, LinkEntry, LinkKind, LinkResult, LinkStatus, Occurrence, RunResult
from validator.report import codec

CASES = sorted(path for path in (ROOT / "tests" / "fixtures" / "fix").iterdir() if path.is_dir())


def _case(directory: Path) -> tuple[Path, Path, dict[str, Any]]:
    before = next(directory.glob("before.*"))
    after = directory / ("after" + before.suffix)
    meta_file = directory / "case.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    return before, after, meta


def previous_report(path: Path, file: str, links: list[dict[str, Any]]) -> Path:
    """A real report.json holding the given link verdicts (as `check` would have written it)."""
    result = RunResult(tool_version="test", started_at="2026-11-26T12:00:00Z", finished_at="2026-11-26T12:00:01Z")
    for link in links:
        kind = LinkKind(link["kind"])
        entry = LinkEntry(link["url"], kind, [Occurrence(file, link["pointer"], None)])
        entry.result = LinkResult(link["url"], kind, LinkStatus(link["status"]), "as the test says",
                                  http_status=200, final_url=link.get("final_url"), checked_at="2026-11-26T12:00:00Z")
        archived = link.get("archived")
        entry.archived = ArchivedCopy(archived["url"], archived["timestamp"]) if archived else None
        result.links[link["url"]] = entry
    path.write_text("".join(codec.to_document(result)), encoding="utf-8")
    return path


def check(work: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code = cli.main(["check", "--offline", "--quiet", "--format", "json", "--no-cache", *args])
    report = json.loads((work / "reports" / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(report)
    return code, report


@pytest.mark.parametrize("directory", CASES, ids=[c.name for c in CASES])
def test_fix_turns_before_into_after_and_a_second_run_changes_nothing(directory: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    before, after, meta = _case(directory)
    monkeypatch.chdir(tmp_path)
    seed = Path("seeds") / f"record{before.suffix}"
    seed.parent.mkdir()
    seed.write_bytes(before.read_bytes())
    args = ["--unsafe-fixes"] if meta.get("unsafe") else []
    if meta.get("links"):
        args += ["--from-report", str(previous_report(tmp_path / "previous.json", seed.as_posix(), meta["links"]))]

    _, first = check(tmp_path, "--fix", *args, "seeds")
    assert seed.read_bytes() == after.read_bytes()
    fixed = {(c["pointer"], r["rule"]) for fix in first["fixes"]["applied"] for c in fix["changes"]
             for r in fix["resolves"]}
    assert first["fixes"]["fixed"] == len({(r["pointer"], r["rule"]) for f in first["fixes"]["applied"]
                                           for r in f["resolves"]})
    for expected in meta.get("notes", []):
        assert any(expected in note for note in first["fixes"]["notes"]), first["fixes"]["notes"]
    if before.read_bytes() != after.read_bytes():
        assert first["fixes"]["files"] == [seed.as_posix()] and fixed

    _, second = check(tmp_path, "--fix", *args, "seeds")
    assert seed.read_bytes() == after.read_bytes()
    assert second["fixes"]["applied"] == [] and second["fixes"]["fixed"] == 0

    _, again = check(tmp_path, "seeds")  # a plain check sees what --fix left, as --fix reported it
    resolved = {(r["pointer"], r["rule"]) for f in first["fixes"]["applied"] for r in f["resolves"]}
    assert not resolved & {(v["pointer"], v["rule"]) for v in again["violations"]}
    assert _positions(again["violations"]) == _positions(first["violations"])


def _positions(violations: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted((v["file"], v["line"], v["column"], v["pointer"], v["rule"]) for v in violations)


def test_unsafe_fixes_wait_for_the_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before, _, meta = _case(ROOT / "tests" / "fixtures" / "fix" / "redirect-other-site")
    monkeypatch.chdir(tmp_path)
    seed = Path("seeds") / "record.txt"
    seed.parent.mkdir()
    seed.write_bytes(before.read_bytes())
    report = previous_report(tmp_path / "previous.json", seed.as_posix(), meta["links"])
    _, result = check(tmp_path, "--fix", "--from-report", str(report), "seeds")
    assert seed.read_bytes() == before.read_bytes()
    assert result["fixes"]["applied"] == [] and result["fixes"]["offered"] == {"safe": 0, "unsafe": 0}


def test_null_topics_are_only_offered_without_the_unsafe_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before, _, _ = _case(ROOT / "tests" / "fixtures" / "fix" / "null-topics-block")
    monkeypatch.chdir(tmp_path)
    seed = Path("seeds") / "record.txt"
    seed.parent.mkdir()
    seed.write_bytes(before.read_bytes())
    _, result = check(tmp_path, "--fix", "seeds")
    assert seed.read_bytes() == before.read_bytes()
    nulls = [v for v in result["violations"] if v["rule"] == "seed/null-topic"]
    assert len(nulls) == 4 and {v.get("fix") for v in nulls} == {"unsafe"}
    assert result["fixes"]["offered"] == {"safe": 0, "unsafe": 4}
