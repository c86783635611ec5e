"""Problems and baselines: one key decides what a baseline stores, accepts and calls fixed."""

from __future__ import annotations

from pathlib import Path

from tests.unit.runs import rich_run
from validator import baseline
from validator.catalog import LINK_WARNING, describe
from validator.models import Finding, LinkStatus, Severity
from validator.problems import LINK_WARNING_RULE, Problem, at_or_above, fixed, key_of, problems


def test_every_finding_and_every_occurrence_of_a_link_that_counts_is_a_problem() -> None:
    result = rich_run()
    items = problems(result)
    counting = [s for s in LinkStatus if s.severity is not None]
    link_rules = sorted(p.rule for p in items if p.url and p.rule != LINK_WARNING_RULE)
    # every status that counts has its link/<status> problem, once per occurrence (dead stands in two files)
    assert sorted(set(link_rules)) == sorted(s.rule_id for s in counting) and link_rules.count("link/dead") == 2
    assert [p.rule for p in items if p.rule == LINK_WARNING_RULE] == [LINK_WARNING_RULE]
    assert len([p for p in items if not p.url]) == len(result.findings)
    assert items == sorted(items, key=Problem.sort_key)


def test_a_baseline_written_from_a_run_accepts_all_of_it_and_only_new_problems_fail(tmp_path: Path) -> None:
    result = rich_run()
    result.baseline_keys = None
    items = problems(result)
    path = tmp_path / "baseline.json"
    path.write_text(baseline.render(items, "1"), encoding="utf-8")
    result.baseline_keys = baseline.load(path).keys
    assert all(p.baselined for p in problems(result))
    assert at_or_above(problems(result), Severity.WARNING) == []
    result.findings.append(Finding("seeds/a.txt", 40, 1, "/new", "schema/type", Severity.ERROR, "new"))
    assert [p.pointer for p in at_or_above(problems(result), Severity.ERROR)] == ["/new"]
    assert fixed(result.baseline_keys, problems(result), result.checked_files) == []


def test_fixed_entries_are_those_of_checked_files_only() -> None:
    accepted = frozenset({("seeds/a.txt", "/gone", "schema/type", ""), ("seeds/z.txt", "/gone", "schema/type", "")})
    assert fixed(accepted, [], ["seeds/a.txt"]) == [("seeds/a.txt", "/gone", "schema/type", "")]


def test_one_key_for_findings_and_problems_without_line_or_message() -> None:
    finding = Finding("seeds/a.txt", 3, 1, "/title", "schema/type", Severity.ERROR, "bad")
    problem = Problem("seeds/a.txt", 9, None, "/webUrl", "link/dead", Severity.ERROR, "gone", "https://x.example/")
    assert key_of(finding) == ("seeds/a.txt", "/title", "schema/type", "")
    assert key_of(problem) == ("seeds/a.txt", "/webUrl", "link/dead", "https://x.example/")


def test_link_rules_are_described_by_the_status_vocabulary() -> None:
    assert all(describe(status.rule_id) == status.meaning for status in LinkStatus)
    assert describe(LINK_WARNING_RULE) == LINK_WARNING  # not a status: described by the catalog itself
