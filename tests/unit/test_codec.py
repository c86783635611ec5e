"""report.json ⇄ RunResult: a report read back is the run that wrote it, and a wrong one is one clear error."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import assert_valid_report
from tests.unit.runs import add, link, rich_run
from validator.errors import UsageError
from validator.models import LinkStatus, Occurrence, RunResult
from validator.problems import problems
from validator.report import codec
from validator.report.context import ReportInput
from validator.report.writer import FORMATS


def document(result: RunResult) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads("".join(codec.to_document(result)))
    return parsed


def test_a_run_read_back_from_its_report_is_the_same_run() -> None:
    result = rich_run()
    written = document(result)
    assert_valid_report(written)
    assert {link["status"] for link in written["links"]} == {status.value for status in LinkStatus}
    assert written["run"]["shard"] == {"index": 2, "total": 3} and written["baseline"]["fixed"]
    assert codec.from_document(written) == result


def test_a_report_read_back_and_written_again_is_byte_identical() -> None:
    text = "".join(codec.to_document(rich_run()))
    assert "".join(codec.to_document(codec.from_document(json.loads(text)))) == text


def test_an_offline_run_without_baseline_round_trips_too() -> None:
    result = RunResult(tool_version="1", started_at="2026-01-01T00:00:00Z", finished_at="2026-01-01T00:00:01Z",
                       options={"offline": True}, files=1, records=1, checked_files=["seeds/a.txt"])
    written = document(result)
    assert_valid_report(written)
    assert written["run"]["links_checked"] is False and "baseline" not in written
    assert codec.from_document(written) == result


def test_the_report_marks_what_the_baseline_accepts_one_problem_at_a_time() -> None:
    written = document(rich_run())
    assert [v["baselined"] for v in written["violations"]] == [True, False, False]
    image = next(link for link in written["links"] if link["url"] == "https://img.example/a.png")
    assert [(o["baselined"], o["warnings_baselined"]) for o in image["occurrences"]] == [(True, True)]
    dead = next(link for link in written["links"] if link["status"] == "dead")
    assert [o["baselined"] for o in dead["occurrences"]] == [False, False]
    ok = next(link for link in written["links"] if link["status"] == "ok")
    assert all(not o.keys() & {"baselined", "warnings_baselined"} for o in ok["occurrences"])  # nothing to mark
    baseline = written["baseline"]
    assert (baseline["new"], baseline["baselined"]) == (len(problems(rich_run())) - 3, 3)
    assert baseline["fixed"] == [{"file": "seeds/b.txt", "pointer": "/gone", "rule": "schema/required"}]


def test_each_mark_reads_back_as_its_own_baseline_entry() -> None:
    result = rich_run()
    assert result.baseline_keys is not None
    for key in result.baseline_keys:
        alone = dataclasses.replace(result, baseline_keys=frozenset({key}))
        assert codec.from_document(document(alone)).baseline_keys == frozenset({key})


def test_the_same_place_in_two_links_is_marked_for_its_own_link_only() -> None:
    result = rich_run()
    place = Occurrence("seeds/a.txt", "/webUrl", 7)  # as the image link above: equal, but another URL
    add(result, link("https://h9.example/dead", LinkStatus.DEAD, place))
    dead = next(link for link in document(result)["links"] if link["url"] == "https://h9.example/dead")
    assert dead["occurrences"][0]["baselined"] is False


def test_baseline_entries_that_do_not_bear_on_the_run_are_not_kept_and_no_report_changes() -> None:
    result = rich_run()
    assert result.baseline_keys is not None
    result.baseline_keys |= {("seeds/unchecked.txt", "/title", "schema/type", "")}
    again = codec.from_document(document(result))
    assert again.baseline_keys == rich_run().baseline_keys
    for name, chosen in FORMATS.items():
        assert "".join(chosen.render(ReportInput.of(again))) == "".join(chosen.render(ReportInput.of(result))), name


def test_a_report_of_an_older_version_without_files_still_reads() -> None:
    written = document(rich_run())
    del written["files"]
    result = codec.from_document(written)
    assert result.checked_files == [] and result.published_years == {}
    assert result.baseline_keys == rich_run().baseline_keys


def _broken(change: str) -> dict[str, Any]:
    written = document(rich_run())
    target, _, value = change.partition("=")
    *path, last = target.split(".")
    node: Any = written
    for part in path:
        node = node[int(part)] if part.isdigit() else node[part]
    if value == "<delete>":
        del node[last]
    else:
        node[int(last) if last.isdigit() else last] = json.loads(value)
    return written


@pytest.mark.parametrize("change, message", [
    ("links.0.reason=<delete>", "links[0].reason is missing"),
    ("links.0.occurrences.0.line=\"7\"", "links[0].occurrences[0].line: expected an integer or null, got str"),
    ("links.0.status=\"gone\"", "links[0]: 'gone' is not a LinkStatus"),
    ("links.0=5", "links[0]: expected an object, got int"),
    ("violations=\"none\"", "violations: expected a list, got str"),
    ("violations.1.severity=\"fatal\"", "violations[1]: 'fatal' is not a Severity"),
    ("summary.files=true", "summary.files: expected an integer, got bool"),
    ("run=<delete>", "run is missing"),
    ("run.shard.index=null", "run.shard.index: expected an integer, got null"),
    ("baseline.fixed.0={\"file\": 1}", "baseline.fixed[0]: not a baseline entry"),
    ("files.0.checked=\"yes\"", "files[0].checked: expected true or false, got str"),
])
def test_a_wrong_document_is_one_error_that_says_where(change: str, message: str) -> None:
    written = _broken(change)
    with pytest.raises(UsageError, match=r"^shard\.json is not a seed-validator JSON report: ") as raised:
        codec.from_document(written, name="shard.json")
    assert message in str(raised.value)


def test_not_a_report_at_all(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"is not a seed-validator JSON report \(format_version 1\)"):
        codec.from_document({"format_version": 2})
    path = tmp_path / "report.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(UsageError, match="must be a JSON object"):
        codec.load(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(UsageError, match="is not valid JSON"):
        codec.load(path)


def test_the_document_is_written_in_pieces_not_as_one_string() -> None:
    result = rich_run()
    chunks = list(codec.to_document(result))
    assert len(chunks) > len(result.links) + len(result.findings)
    assert max(map(len, chunks)) < len("".join(chunks)) // 2
    assert document(result) == json.loads("".join(chunks))
