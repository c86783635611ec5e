from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REAL_SEED, position_of, real_seed_text, variant
from validator import load, seed_yaml
from validator.load import LIBYAML, load_file, parse_text
from validator.tree import discover


def rules(loaded: object) -> list[tuple[str, int | None, int | None]]:
    return [(f.rule, f.line, f.column) for f in loaded.findings]  # type: ignore[attr-defined]


def test_libyaml_is_used_when_present() -> None:
    assert bool(getattr(yaml, "__with_libyaml__", False)) == LIBYAML


def test_real_seed_loads_without_findings_and_keeps_timestamps_as_written() -> None:
    loaded = load_file(REAL_SEED)
    assert loaded.findings == []
    assert loaded.record is not None
    assert loaded.record["publishedDateTime"] == "2021-04-09T11:00:00Z"
    assert loaded.record["related"][0]["publishedDateTime"] == "2021-04-07T22:00:00Z"
    assert loaded.record["published"] is False
    assert loaded.record["quality"] == 37


def test_positions_of_pointers_match_the_file() -> None:
    text = real_seed_text()
    loaded = load_file(REAL_SEED)
    assert loaded.source is not None
    assert loaded.source.position("/webUrl") == position_of(text, 'webUrl: "', offset=8)
    assert loaded.source.position("/webUrl", key=True) == position_of(text, "webUrl:")
    assert loaded.source.position("/related/1/images/0/width") == position_of(text, "width: 800", offset=7)
    # an absent member: its nearest existing ancestor (the related item's mapping)
    assert loaded.source.position("/related/1/nothing") == position_of(text, 'title: "Dallas')


def test_yaml_11_booleans_stay_text_but_true_and_false_are_booleans() -> None:
    loaded = parse_text("---\na: yes\nb: No\nc: off\nd: true\ne: False\n---\n", "f.txt")
    assert loaded.record == {"a": "yes", "b": "No", "c": "off", "d": True, "e": False}


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    text = "---\ntitle: a\nprovider:\n  name: x\n  name: y\ntitle: b\n---\n"
    loaded = parse_text(text, "f.txt")
    found = sorted((f.pointer, f.line, f.message) for f in loaded.findings)
    assert found == [
        ("/provider/name", 5, "duplicate key 'name' (also on line 4); YAML keeps only the last value"),
        ("/title", 6, "duplicate key 'title' (also on line 2); YAML keeps only the last value"),
    ]
    assert {f.rule for f in loaded.findings} == {"yaml/duplicate-key"}


@pytest.mark.parametrize("text, position", [
    ("---\na: &x [1, 2]\nb: *x\n---\n", (2, 4)),
    ("---\na: &only value\n---\n", (2, 4)),
    ("---\nlist:\n  - *undefined\n---\n", (3, 5)),
])
def test_anchors_and_aliases_are_rejected_before_the_tree_is_walked(text: str, position: tuple[int, int]) -> None:
    loaded = parse_text(text, "f.txt")
    assert loaded.record is None
    assert rules(loaded) == [("yaml/alias", *position)]


def test_billion_laughs_is_rejected_quickly() -> None:
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    loaded = parse_text("\n".join(lines) + "\n---\n", "bomb.txt")
    assert loaded.record is None
    assert rules(loaded)[0][0] == "yaml/alias"


def test_ampersands_and_asterisks_inside_text_are_not_anchors() -> None:
    text = '---\ntitle: "AT&T & *Friends* &amp; more"\nexcerpt: plain & *emphasis* text\n---\n'
    loaded = parse_text(text, "f.txt")
    assert loaded.findings == []
    assert loaded.record == {"title": "AT&T & *Friends* &amp; more", "excerpt": "plain & *emphasis* text"}


def test_body_after_the_closing_fence_is_ignored() -> None:
    loaded = parse_text("---\ntitle: a\n---\n: not [yaml\n---\n", "f.md")
    assert loaded.findings == [] and loaded.record == {"title": "a"}


@pytest.mark.parametrize("text, rule, position", [
    ("", "yaml/empty", None),
    ("  \n\n", "yaml/empty", None),
    ("---\n---\n", "yaml/empty", None),
    ("title: a\n", "yaml/front-matter", (1, 1)),
    ("---\ntitle: a\n", "yaml/front-matter", (1, 1)),
    ("---\ntitle: [a\nb: c\n---\n", "yaml/syntax", (3, 2)),
    ("---\ntitle: a\n  bad: indent\n---\n", "yaml/syntax", (3, 6)),
    ("---\n- a\n- b\n---\n", "yaml/not-mapping", (2, 1)),
    ("---\njust text\n---\n", "yaml/not-mapping", (2, 1)),
])
def test_bad_documents_give_one_clear_finding(text: str, rule: str, position: tuple[int, int] | None) -> None:
    loaded = parse_text(text, "f.txt")
    assert loaded.record is None
    line, column = position or (None, None)
    assert rules(loaded) == [(rule, line, column)]
    assert loaded.findings[0].file == "f.txt"


def test_plain_yaml_files_need_no_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("title: a\nquality: 3\n", encoding="utf-8")
    assert load_file(path).record == {"title": "a", "quality": 3}


def test_non_utf8_file_is_reported_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"---\ntitle: ok\nexcerpt: caf\xe9\n---\n")
    loaded = load_file(path, file="latin1.txt")
    assert rules(loaded) == [("yaml/encoding", 3, 13)]
    assert "0xe9" in loaded.findings[0].message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + real_seed_text().encode())
    assert load_file(path).findings == []


def test_missing_and_unreadable_files_are_findings(tmp_path: Path) -> None:
    missing = load_file(tmp_path / "gone.txt", file="gone.txt")
    assert rules(missing) == [("yaml/unreadable", None, None)]
    assert "No such file" in missing.findings[0].message
    directory = tmp_path / "dir.txt"
    directory.mkdir()
    assert rules(load_file(directory))[0][0] == "yaml/unreadable"


def test_files_over_the_size_limit_are_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(real_seed_text(), encoding="utf-8")
    loaded = load_file(path, max_bytes=100)
    assert loaded.record is None
    assert rules(loaded) == [("yaml/too-large", None, None)]
    assert "--max-file-size" in loaded.findings[0].message


def test_discover_skips_hidden_entries_and_other_extensions(tmp_path: Path) -> None:
    for name in ("b.txt", "a.md", "c.yaml", "d.yml", "e.json", ".hidden.txt", "sub/f.TXT", ".git/g.txt",
                 "sub/.h/i.txt"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    explicit = tmp_path / "explicit.json"
    explicit.write_text("{}", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path, explicit])]
    assert found == ["a.md", "b.txt", "c.yaml", "d.yml", "sub/f.TXT", "explicit.json"]


def test_a_bad_variant_still_positions_its_duplicate_key() -> None:
    text = variant(("quality: 37\n", "quality: 37\nquality: 38\n"))
    loaded = parse_text(text, "v.txt")
    assert rules(loaded) == [("yaml/duplicate-key", 12, 1)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_arbitrary_text_never_crashes_the_loader(text: str) -> None:
    for document in (text, "---\n" + text + "\n---\n"):
        loaded = parse_text(document, "fuzz.txt")
        assert (loaded.record is None) == bool(loaded.findings) or loaded.record is not None
        assert all(f.file == "fuzz.txt" and f.rule.startswith("yaml/") for f in loaded.findings)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_load_file(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "f.txt"
    path.write_bytes(data)
    loaded = load_file(path)
    assert loaded.record is not None or loaded.findings
    path.unlink()


@pytest.mark.parametrize("document, position", [
    ('{"a":&x [1], "b":*x}', (2, 6)),       # JSON-like flow style: the anchor straight after ':'
    ('{"a":&x 1,"b":*x}', (2, 6)),
    ("[&x a, *x]", (2, 2)),
    ("{? &x a : b, c: *x}", (2, 4)),
    ('{"k":&x [1],\n\ufeff"b": *x}', (2, 6)),  # a BOM at a line start is skipped by libyaml
])
def test_anchors_and_aliases_in_flow_style_are_rejected(document: str, position: tuple[int, int]) -> None:
    loaded = parse_text(f"---\n{document}\n---\n", "f.txt")
    assert loaded.record is None
    assert rules(loaded) == [("yaml/alias", *position)]


def test_an_alias_the_pre_filter_missed_is_still_rejected_when_the_record_is_built(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "_MAYBE_ANCHOR", re.compile(r"(?!)"))  # a filter that never matches
    members = ['"a":&a ["lol","lol","lol"]'] + [
        f'"{chr(97 + n)}":&{chr(97 + n)} {{' + ",".join(f'"{i}":*{chr(96 + n)}' for i in range(9)) + "}"
        for n in range(1, 9)]
    loaded = parse_text("---\n{" + ",".join(members) + "}\n---\n", "bomb.txt")
    assert loaded.record is None
    assert rules(loaded)[0][0] == "yaml/alias"


@pytest.mark.parametrize("scalar, value", [
    ("0x1F", 31), ("017", 15), ("0o17", "0o17"), ("1:30", 90), ("-12", -12), ("1_000", 1000), ("2.5", 2.5),
    ("9" * 4000, int("9" * 4000)),
    ("9" * 4001, "9" * 4001),                 # more than 4,000 digits: the text written
    ("0x" + "f" * 5000, "0x" + "f" * 5000),
    ("1" + ":59" * 3000, "1" + ":59" * 3000),
    (".nan", ".nan"), (".inf", ".inf"), ("-.Inf", "-.Inf"), ("1e999", "1e999"),
    ("!!int abc", "abc"), ("!!float x", "x"),
])
def test_numbers_beyond_what_json_holds_stay_the_text_written(scalar: str, value: object) -> None:
    loaded = parse_text(f"---\nn: {scalar}\n---\n", "f.txt")
    assert loaded.findings == []
    assert loaded.record == {"n": value}
    assert type(loaded.record["n"]) is type(value)


def test_a_key_repeated_many_times_is_one_finding_naming_a_few_lines() -> None:
    loaded = parse_text("---\n" + "a: 1\n" * 1000 + "b: 2\n" * 3 + "---\n", "f.txt")
    found = sorted((f.pointer, f.line, f.message) for f in loaded.findings)
    assert found == [
        ("/a", 1001, "duplicate key 'a' (also on line 2, 3, 4, 5, 6 and 994 more); YAML keeps only the last value"),
        ("/b", 1004, "duplicate key 'b' (also on line 1002, 1003); YAML keeps only the last value"),
    ]


def test_a_huge_duplicate_key_is_quoted_shortened() -> None:
    key = "k" * 100_000
    loaded = parse_text(f"---\n? {key}\n: 1\n? {key}\n: 2\n---\n", "f.txt")  # explicit: longer than 1,024
    [finding] = loaded.findings
    assert finding.rule == "yaml/duplicate-key" and len(finding.message) < 300


def test_a_record_with_too_many_values_is_counted_not_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seed_yaml, "MAX_VALUES", 10)
    loaded = parse_text("---\nq: [" + ", ".join(["1"] * 20) + "]\n---\n", "f.txt")
    assert rules(loaded) == [("yaml/too-large", 2, 26)]  # the 11th value: mapping, key, list, 8th item
    assert "more than 10 values" in loaded.findings[0].message
    short = parse_text("---\nq: [1, 2]\n---\n", "f.txt")  # too short to hold that many: not counted
    assert short.findings == [] and short.record == {"q": [1, 2]}


def test_a_plain_scalar_too_long_for_a_number_is_text_without_resolving_it() -> None:
    sexagesimal = "1" + ":59" * 5000
    assert parse_text(f"---\nn: {sexagesimal}\n---\n", "f.txt").record == {"n": sexagesimal}


_FENCE_SPEC = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)  # what a closing fence is


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["---", "...", "\n", "\r", " ", "\t", "-", ".", "a", "\r\n", "----", "... x"]),
                max_size=14))
def test_the_closing_fence_is_the_first_line_of_dashes_or_dots_and_blanks(atoms: list[str]) -> None:
    text = "---\n" + "".join(atoms)
    spec = _FENCE_SPEC.search(text, 4)
    assert load.front_matter(text) == (None if spec is None else text[:spec.start()])


def test_the_densest_flow_yaml_is_counted_too() -> None:
    """`?a,` in a flow sequence is a one-pair mapping (three values in three characters): 66,000 of them are
    198,000 values in a document shorter than twice the cap, which the count once let through (3 s, 123 MB)."""
    loaded = parse_text("---\nx: [" + ",".join(["?a"] * 66_000) + "]\n---\n", "f.txt", every_position=True)
    assert [f.rule for f in loaded.findings] == ["yaml/too-large"]
    assert loaded.record is None
