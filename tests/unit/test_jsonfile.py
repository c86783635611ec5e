"""The bounded JSON reader under merge, diff, --previous and --baseline: what it refuses, and how it says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from validator.errors import UsageError
from validator.jsonfile import MAX_DEPTH, read_json_object, schema_problem


def read(tmp_path: Path, text: str) -> object:
    path = tmp_path / "r.json"
    path.write_text(text, encoding="utf-8")
    return read_json_object(path, "report", UsageError)


def test_nesting_up_to_the_limit_is_read_one_more_is_refused(tmp_path: Path) -> None:
    inner = MAX_DEPTH - 1
    assert read(tmp_path, '{"a": ' + "[" * inner + "]" * inner + "}") is not None
    with pytest.raises(UsageError, match=f"nested more than {MAX_DEPTH} levels deep"):
        read(tmp_path, '{"a": ' + "[" * (inner + 1) + "]" * (inner + 1) + "}")


@pytest.mark.parametrize("text, message", [
    ('{"a": NaN}', "NaN is not a JSON number"),
    ('{"a": -Infinity}', "-Infinity is not a JSON number"),
    ('{"a": 1e999}', "the number 1e999 is out of range"),
    ('{"a": 1' + "0" * 5000 + "}", "is not valid JSON"),  # past Python's integer digit limit
    ("[1]", "must be a JSON object"),
    ("\ufeff{}", "is not valid JSON"),
])
def test_numbers_json_cannot_hold_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        read(tmp_path, text)


def test_a_directory_is_not_read(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a regular file"):
        read_json_object(tmp_path, "report", UsageError)


def test_schema_problems_say_where_in_one_printable_line() -> None:
    assert schema_problem({"format_version": 1, "entries": [{"file": "a", "pointer": "", "rule": "x"}]},
                          "baseline.schema.json") == ('entries[0].rule: "x" does not match '
                                                      '"^(schema|yaml|seed|link|internal)/[A-Za-z0-9-]+$"')
    assert schema_problem({"format_version": 1}, "baseline.schema.json") == "entries is missing"
    problem = schema_problem({"format_version": 1, "entries": [], "evil\x1b[2J\n": 1}, "baseline.schema.json")
    assert problem is not None and "\x1b" not in problem and "\n" not in problem and "\\x1b" in problem
    assert schema_problem({"format_version": 1, "entries": [{"file": "a" * 10_000, "pointer": 1, "rule": "seed/x"}]},
                          "baseline.schema.json") == "entries[0].pointer: expected a string, got int"
