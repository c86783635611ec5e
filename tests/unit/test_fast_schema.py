"""Differential: jsonschema-rs (the fast path) and python-jsonschema (the reference) agree on validity.

The fast path may only pass a record the reference passes. Where it is stricter (Python's `$` lets a
final newline through in `uri`, `date-time` and `pattern`; JSON has no NaN or infinity) the record goes
to the reference, whose verdict stands: those cases are named in tests/conftest.py
(`stricter_on_purpose`), and any other disagreement, in either direction, fails these tests. Every
fixture built with `variant()` and every record tests/unit/test_schema.py validates is checked the same way.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from bench.corpus import DEFECTS, defect_of, record_text
from tests.conftest import ROOT, assert_fast_path_agrees, real_seed_text
from validator.load import parse_text
from validator.validate.fast import NATIVE_FORMATS, FastSchema, is_date_time, plain_json
from validator.validate.schema import SchemaChecker, check_schema, load_schema

SCHEMA, _ = load_schema()
CHECKER = SchemaChecker(SCHEMA)
FORMATS = Draft202012Validator.FORMAT_CHECKER


def assert_agree(checker: SchemaChecker, record: Any) -> bool:
    return assert_fast_path_agrees(record, checker)


def record_of(text: str) -> Any:
    loaded = parse_text(text, "r.txt")
    assert loaded.record is not None, loaded.findings
    return loaded.record


def test_the_builtin_schema_is_a_valid_schema_and_compiles_on_the_fast_path() -> None:
    check_schema(SCHEMA, Path("seed.schema.json"))  # load_schema does not check it on every run
    assert CHECKER.fast.available


def test_every_shipped_seed_is_valid_on_both() -> None:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    assert seeds
    for path in seeds:
        assert assert_agree(CHECKER, record_of(path.read_text(encoding="utf-8")))


def test_generated_records_and_their_planted_defects() -> None:
    schema_defects = set()
    for index in range(600):
        loaded = parse_text(record_text(index), "r.txt")
        if loaded.record is None:
            continue  # a YAML defect: no record to validate
        valid = assert_agree(CHECKER, loaded.record)
        if not valid:
            schema_defects.add(defect_of(index))
        assert valid or defect_of(index) is not None, index
    assert schema_defects >= {"type", "enum", "date-format", "leap-second", "unknown-field", "missing-required",
                              "empty-title", "uri-format", "secured", "image-size", "dependent-required"}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_defect_on_the_real_seed(defect: str) -> None:
    record = record_of(real_seed_text())
    DEFECTS[defect](record)
    assert_agree(CHECKER, record)


DATES = ["2021-04-09T11:00:00Z", "2021-04-09t11:00:00z", "2021-04-09T23:59:60Z", "2016-12-31T23:59:60Z",
         "0000-01-01T00:00:00Z", "2021-02-29T00:00:00Z", "2020-02-29T00:00:00Z", "2021-04-09T11:00:00",
         "2021-04-09 11:00:00Z", "2021-04-09T11:00:00.123456789Z", "2021-04-09T11:00:00.Z", "2021-04-09T11:00:00+24:00",
         "2021-04-09T11:00:00+23:59", "2021-04-09T11:00:00-00:00", "2021-04-09T24:00:00Z", "2021-04-09T11:60:00Z",
         "2021-13-09T11:00:00Z", "2021-04-31T11:00:00Z", "\uff12\uff10\uff12\uff11-04-09T11:00:00Z",
         "2021-04-09T11:00:00+0100", "2021-04-09T11:00Z", "+2021-04-09T11:00:00Z", "12021-04-09T11:00:00Z",
         "2021-04-09T11:00:00,5Z", "1990-12-31T15:59:60-08:00", "2021-04-09"]
URIS = ["https://a.com/x", "http://a b", "https://a.com/TWC<News>", "https://a.com/%zz", "https://a.com/\u00e9",
        "mailto:x@y", "urn:isbn:123", "a.com/x", "//a.com/x", "https://[::1]/", "https://[v1.x]/", "https://[::1/",
        "https://a.com:99999/", "https://a.com:port/", "https://a.com/x#y#z", "https://a.com/x?y=[1]",
        "https://a.com/x|y", "https://a.com/x\\y", "https://a.com/x^y", "https://a.com/x`y", "https://a.com/x{y}",
        "https://user:pw@a.com/", "https://a.com/x\t", "http:", "http://", "1http://a", "https://a_b.com/",
        "https://a.com/\"", "https://a.com/%", "HTTP://A.COM", "https://@a.com/", "https://[::ffff:1.2.3.4]/",
        "https://[1:2:3:4:5:6:7:8:9]/", "https://256.1.1.1/", "https://a.com/#[", "https://a.com/x\u00a0",
        "https://a.com/x\x7f", "https://[fe80::1%25eth0]/", "https://[fe80::1%eth0]/", "a:b:c", "-a:b", "a+b-c.d:x",
        " https://a.com/", "https://a.com/ "]


@pytest.mark.parametrize("value", DATES)
def test_date_time_is_checked_as_the_reference_checks_it(value: str) -> None:
    assert is_date_time(value) == FORMATS.conforms(value, "date-time")
    assert FastSchema({"format": "date-time"}).passes(value) == FORMATS.conforms(value, "date-time")


@pytest.mark.parametrize("value", URIS)
def test_native_uri_agrees_with_rfc3986_validator(value: str) -> None:
    assert "uri" in NATIVE_FORMATS
    assert FastSchema({"format": "uri"}).passes(value) == FORMATS.conforms(value, "uri")


_URI_PARTS = st.sampled_from([*"abcXYZ019:/?#[]@!$&'()*+,;=-._~% \"<>\\^`{|}\t\u00e9\u00a0",
                              "%20", "%zz", "%2", "::", "[::1]", "[v7.a]", "//", "25", "255.255.255.255", "\n"])
_URIS = st.builds(lambda scheme, parts: scheme + "".join(parts),
                  st.sampled_from(["https://", "http://", "a:", "x+y:", "urn:", "", "1a:", "-:"]),
                  st.lists(_URI_PARTS, max_size=12))


@settings(max_examples=1500, deadline=None)
@given(_URIS)
def test_native_uri_is_never_laxer_than_the_reference(value: str) -> None:
    fast, reference = FastSchema({"format": "uri"}).passes(value), bool(FORMATS.conforms(value, "uri"))
    assert fast == reference or (reference and value.endswith("\n"))


def test_python_lets_a_final_newline_through_and_its_verdict_stands() -> None:
    record = record_of(real_seed_text())
    record["webUrl"] += "\n"
    assert not CHECKER.fast.passes(record)
    assert CHECKER.findings(record, "r.txt", None) == []  # the reference's verdict, not the fast path's


def test_leap_seconds_are_rejected_as_the_reference_rejects_them() -> None:
    record = record_of(real_seed_text())
    record["publishedDateTime"] = "2016-12-31T23:59:60Z"
    assert not CHECKER.fast.passes(record)
    assert [(f.rule, f.pointer) for f in CHECKER.findings(record, "r.txt", None)] == [
        ("schema/format", "/publishedDateTime")]


def test_values_json_does_not_have_go_to_the_reference() -> None:
    assert plain_json({"a": [1, 2.5, "x", None, True, {"b": []}]})
    for odd in [(1, 2), {1, 2}, b"x", float("nan"), float("inf"), object()]:
        assert not plain_json({"a": [odd]})
    checker = SchemaChecker({"items": {"type": "array"}})
    assert not checker.fast.passes([(1, 2)])  # jsonschema-rs would read the tuple as an array
    assert [f.rule for f in checker.findings([(1, 2)], "r.txt", None)] == ["schema/type"]
    assert SchemaChecker({"type": "string"}).findings("\ud800", "r.txt", None) == []  # Rust cannot encode it


def test_a_schema_the_fast_path_cannot_take_is_validated_by_the_reference_alone() -> None:
    remote = SchemaChecker({"properties": {"a": {"$ref": "https://example.invalid/never-fetched.json"}}})
    assert not remote.fast.available
    assert remote.findings({"b": 1}, "r.txt", None) == []


def test_a_custom_schema_gets_the_reference_format_checks() -> None:
    checker = SchemaChecker({"properties": {"d": {"format": "date"}, "i": {"format": "ipv4"}}})
    for record in [{"d": "2021-02-29"}, {"d": "2020-02-29"}, {"i": "01.1.1.1"}, {"i": "1.1.1.1"}, {"d": "x"}]:
        assert_agree(checker, record)


_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
_LEAVES = st.one_of(
    _URIS, _TEXT, st.sampled_from(DATES), st.integers(-(2**70), 2**70), st.sampled_from([0, -1, 37, 37.0, 0.5, -0.0]),
    st.floats(), st.booleans(), st.none(), st.builds(list), st.builds(dict),
    st.lists(st.sampled_from(["AI", None, 3]), max_size=3),
    st.sampled_from(["article", "video", "news", "story", "reason.com", "a..b", "-a.com", "YWJj;ZGVm", "YWJj", ""]),
)


def _containers(record: Any) -> list[Any]:
    found = [record]
    for value in (record.values() if isinstance(record, dict) else record if isinstance(record, list) else []):
        if isinstance(value, dict | list):
            found.extend(_containers(value))
    return found


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["set", "delete", "add"]), st.integers(0, 10_000),
                          st.integers(0, 10_000), _LEAVES), min_size=1, max_size=3))
def test_near_valid_records_get_the_same_verdict(changes: list[tuple[str, int, int, Any]]) -> None:
    record = copy.deepcopy(_SEED_RECORD)
    for action, where, which, leaf in changes:
        value = copy.deepcopy(leaf)  # never the same object twice: no cycles
        containers = _containers(record)
        target = containers[where % len(containers)]
        keys = list(target) if isinstance(target, dict) else list(range(len(target)))
        if action == "add" or not keys:
            if isinstance(target, dict):
                target[["publised", "quality", "heat", "webUrl", "x", "images", "related"][which % 7]] = value
            else:
                target.append(value)
        elif action == "delete":
            del target[keys[which % len(keys)]]
        else:
            target[keys[which % len(keys)]] = value
    assert_agree(CHECKER, record)


_SEED_RECORD = record_of(real_seed_text())
