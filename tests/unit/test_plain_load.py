"""Plain loading (records from parser events) gives exactly the full load's record, or leaves the file to it;
every position it keeps is the node tree's (tests.conftest.assert_plain_load_agrees checks each case: every
value's with every_position); and a file with findings reports them where, and as, the full load does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import hostile
from bench.corpus import defect_of, record_text
from tests.conftest import ROOT, assert_plain_load_agrees, position_of, real_seed_text
from tests.hostile.test_yaml import SCALARS, flow_alias_bomb
from tests.unit.test_plain_positions import EDGES
from validator import load, seed_yaml
from validator.extract import extract_links
from validator.load import PLAIN_YAML_SUFFIXES, LoadedFile, front_matter, parse_text
from validator.models import Finding, LinkRef
from validator.plain_load import MAX_DEPTH, plain_record
from validator.validate.duplicates import ArticleRef, article_refs
from validator.validate.record import RecordValidator
from validator.validate.rules import RuleContext
from validator.validate.schema import load_schema

VALIDATOR = RecordValidator(load_schema(None)[0], RuleContext(now=datetime(2026, 11, 26, tzinfo=UTC)))
YAML_DEFECTS = ("duplicate-key", "yaml-syntax")  # bench/corpus.py's defects the full load reports


def plain(document: str) -> dict[str, object] | None:
    found = plain_record(document)
    return None if found is None else found.record


def test_the_shipped_seeds_load_plainly_and_equal_the_full_load() -> None:
    seeds = sorted((ROOT / "seeds").iterdir())
    assert seeds
    for path in seeds:
        assert assert_plain_load_agrees(path.read_text(encoding="utf-8-sig"),
                                        plain_yaml=path.suffix in PLAIN_YAML_SUFFIXES) is not None, path


def test_every_seed_fixture_under_tests_agrees_with_the_full_load() -> None:
    files = [p for p in (ROOT / "tests").rglob("*") if p.suffix in {".txt", ".md", ".yaml", ".yml"} and p.is_file()]
    answered = 0
    for path in files:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        answered += assert_plain_load_agrees(text, plain_yaml=path.suffix in PLAIN_YAML_SUFFIXES) is not None
    assert answered >= 10, answered  # the fix fixtures' before/after seeds at least


def test_generated_records_equal_the_full_load_and_yaml_defects_are_left_to_it() -> None:
    for index in range(240):
        text = record_text(index)
        answered = assert_plain_load_agrees(text)
        assert (answered is None) == (defect_of(index) in YAML_DEFECTS), (index, defect_of(index))


def test_the_hostile_corpora_are_left_to_the_full_load_or_agree_with_it(tmp_path: Path) -> None:
    for name, build in hostile.CASES.items():
        if build in (hostile.deep_folder, hostile.special_files):
            continue  # no YAML in them
        build(tmp_path / name)
        for path in (tmp_path / name).iterdir():
            assert_plain_load_agrees(path.read_text(encoding="utf-8"))
    for text in [flow_alias_bomb(), *(f"---\nn: {scalar}\n---\n" for scalar in SCALARS.values())]:
        assert_plain_load_agrees(text)
        _three_ways(text)


def test_what_plain_loading_leaves_to_the_full_load() -> None:
    for document in ["---\na: &x 1\nb: *x\n", "---\na: &x 1\n", "---\na: &x [1]\n", "---\na: &x {b: 1}\n",
                     "---\na: 1\na: 2\n", "---\n1: a\n", "---\n? [a]\n: b\n",
                     "---\na: !!str 12\n", "---\na: !!binary aGk=\n", "---\nbase: &b {x: 1}\nm:\n  <<: *b\n",
                     "---\n<<: {x: 1}\n", "---\n- a\n", "---\n", "---\nplain text\n", "---\na: [1\n", "---\na: ! x\n",
                     "---\na: !custom x\n", "---\n= : x\n", "a: 1\n---\nb: 2\n", "---\na: !!set {x, y}\n",
                     "%YAML 1.1\n---\na: 1\n", "---\nnull: 1\n", "---\ntrue: 1\n", "---\na: !!map {b: 1}\n",
                     "---\na: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"]:
        assert plain(document) is None, document
    assert plain("---\na: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n") is not None


def test_the_value_cap_is_the_full_loads_and_a_record_past_it_is_reported_as_before() -> None:
    cap = seed_yaml.MAX_VALUES
    at_cap = "---\nq: [" + ",".join(["1"] * (cap - 3)) + "]\n---\n"  # the mapping, its key, the list, the items
    over = "---\nq: [" + ",".join(["1"] * (cap - 2)) + "]\n---\n"
    assert assert_plain_load_agrees(at_cap) is not None
    assert plain(front_matter(over) or "") is None
    loaded = parse_text(over, "many.txt")
    assert [(f.rule, f.line, f.column) for f in loaded.findings] == [("yaml/too-large", 2, 5 + 2 * (cap - 3))]
    assert loaded.findings == parse_text(over, "many.txt", every_position=True).findings


def test_the_cap_read_from_seed_yaml_by_both_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seed_yaml, "MAX_VALUES", 10)
    document = "---\nq: [" + ", ".join(["1"] * 20) + "]\n"
    assert plain(document) is None
    assert plain("---\nq: [1, 2, 3, 4, 5, 6]\n") is not None  # 9 values


def test_positions_come_from_a_tree_composed_only_when_asked_for() -> None:
    text = real_seed_text()
    loaded = parse_text(text, "s.txt")
    assert loaded.source is not None and loaded.source._compose is not None
    assert loaded.source.position("/webUrl") == position_of(text, 'webUrl: "', offset=8)  # kept while loading
    assert loaded.source._compose is not None  # nothing composed yet
    assert loaded.source.position("/quality") == position_of(text, "quality: 37", offset=9)
    assert loaded.source.position("/webUrl", key=True) == position_of(text, "webUrl:")
    assert loaded.source._compose is None


def _findings(loaded: LoadedFile) -> list[Finding | ArticleRef | LinkRef]:
    """What a check makes of a loaded file: its findings (with positions), its article URLs' positions and its
    links' occurrences (with positions)."""
    if loaded.record is None:
        return list(loaded.findings)
    return [*loaded.findings, *VALIDATOR.validate(loaded.record, loaded.file, loaded.source),
            *article_refs(loaded.record, loaded.source), *extract_links(loaded.record, loaded.file, loaded.source)]


def _fully(text: str) -> LoadedFile:
    """The full load of a front-matter file, as parse_text runs it when plain loading gives up."""
    document = front_matter(text)
    assert document is not None
    return load._full_load(document, text, "r.txt", plain_yaml=False)


def _three_ways(text: str) -> list[Finding | ArticleRef | LinkRef]:
    """What a check makes of the text loaded plainly, plainly with every position, and by the full load: the
    same, or the test fails."""
    found = _findings(parse_text(text, "r.txt"))
    assert found == _findings(parse_text(text, "r.txt", every_position=True)) == _findings(_fully(text))
    return found


def test_files_with_findings_report_the_full_loads_positions_rules_and_messages() -> None:
    with_findings = 0
    for index in range(240):
        with_findings += any(isinstance(f, Finding) for f in _three_ways(record_text(index)))
    assert with_findings >= 15


def test_without_libyaml_the_pure_python_parser_reads_the_same_records() -> None:
    script = (
        "import yaml\n"
        "del yaml.CSafeLoader\n"
        "import json, sys\n"
        "from validator.seed_yaml import LIBYAML\n"
        "from validator.plain_load import plain_record\n"
        "from validator.load import front_matter\n"
        "assert not LIBYAML\n"
        "from tests.conftest import node_positions\n"
        "from validator.seed_yaml import loader_for\n"
        "def read(t):\n"
        "    p = plain_record(front_matter(t), every_position=True)\n"
        "    if p is None:\n"
        "        return None\n"
        "    tree = node_positions(loader_for(front_matter(t)).get_single_node())\n"
        "    return [p.record, sorted(p.positions.items()), sorted(tree.items())]\n"
        "print(json.dumps([read(t) for t in json.load(sys.stdin)]))\n"
    )
    edges = EDGES.replace("\t", " ") + "\n---\n"  # its scanner refuses tabs where libyaml takes them
    texts = [record_text(index) for index in range(36)] + [edges]
    run = subprocess.run([sys.executable, "-c", script], input=json.dumps(texts), capture_output=True, text=True,
                         check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    for text, read in zip(texts, json.loads(run.stdout), strict=True):
        loaded = parse_text(text, "r.txt", every_position=True)
        if read is None:
            assert plain(front_matter(text) or "") is None
        else:
            record, positions, tree = read
            assert record == json.loads(json.dumps(loaded.record))
            assert positions == tree  # the pure-Python parser's marks, as its composer gives them to nodes


# Scalars the full load reads (as numbers, booleans, nulls, dates or text), and ones it rejects or that
# make plain loading give up (anchors, aliases, tags, merge keys, syntax errors).
_SCALARS = ["37", "-1", "0", "0o17", "017", "0x1F", "1_000", "1:20", "1.5", "1e3", "1.0e+3", ".5", ".nan", ".inf",
            "-.Inf", "yes", "No", "on", "OFF", "y", "true", "False", "TRUE", "~", "null", "Null", "", "2021-04-09",
            "2021-04-09T11:00:00Z", "2021-04-09 11:00:00.5 +02:00", "2021-4-9", "[1, 2]", "{a: 1}", "[a, {b: c}]",
            "'single'", '"double \\u00e9 \\t"', "|\n  block\n", ">-\n  folded\n  text\n", "a # comment",
            "'it''s'", "caf\u00e9", "\U0001F600", "12:30:45", "+1", "-0.0", "0b101", "1__0", "0.", "-", "a-b",
            "https://x.example/a?b=c#d", "AT&T", "y z", "9" * 4001, "0x" + "f" * 300, "1e999", "1" + ":59" * 50,
            # what moves a mark: scalars over lines, flow collections over lines, empty values, tabs, long lines
            '"two\nlines"', "'a\n\nb'", "plain\ncontinued", "[a,\nb, {c: }]", "{a: , ? b}", "|+\n  kept\n\n",
            "\t1\t# tab", "[" + "a, " * 300 + "b]", "{\u00e9: \U0001F600, z: 1}"]
_HOSTILE = ["<<", "=", "!!str 12", "!!int '3'", "&a x", "*a", "!custom x", "!!omap [a: 1]", "!!set {a, b}",
            "!!float 1", "@x", "`x`", "%x", "a: b", "- a", '"unterminated', "?", "!", "&", "*", "[a, b", "-", "*bold*",
            "&a [1]", "!!binary aGk=", "{a: 1, a: 2}", "[[[[]]]]"]
_KEYS = ["title", "a", "quality", "yes", "1", "~", "x y", '"quoted"', "'q'", "b", "publishedDateTime", "null",
         "2021-04-09", "on", "c", "d", "e", "<<", '"<<"', "webUrl", "a/b~c", "\u00e9\U0001F600", "~x", "'~'", "/"]


@st.composite
def yaml_values(draw: st.DrawFn, depth: int = 0) -> str:
    """A YAML value as text, starting on the line of its key (nested blocks start with a newline)."""
    kind = draw(st.sampled_from(["scalar", "scalar", "text", "map", "list"] if depth < 3 else ["scalar", "text"]))
    indent = "  " * (depth + 1)
    if kind == "scalar":
        scalar = draw(st.sampled_from(_HOSTILE) if draw(st.integers(0, 9)) == 0 else st.sampled_from(_SCALARS))
        return " " + scalar.replace("\n", "\n" + indent)
    if kind == "text":
        text = draw(st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=12))
        if draw(st.booleans()):
            return " " + json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
        text = "".join(c for c in text if c.isprintable())
        return " " + "".join(" " if c in "\n\r\x85\u2028\u2029" else c for c in text)
    if kind == "map":
        keys = draw(st.lists(st.sampled_from(_KEYS), min_size=1, max_size=4, unique=draw(st.integers(0, 5)) > 0))
        return "".join(f"\n{indent}{key}:{draw(yaml_values(depth + 1))}" for key in keys)
    items = draw(st.lists(yaml_values(depth + 1), min_size=0, max_size=3))
    return "".join(f"\n{indent}-{item}" for item in items) or " []"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_KEYS), yaml_values()), min_size=1, max_size=6),
       st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_plain_loading_equals_the_full_load_whenever_it_answers(entries: list[tuple[str, str]], newline: str,
                                                                 commented: bool) -> None:
    comment = "# a comment\n" if commented else ""
    text = ("---\n" + "".join(f"{key}:{value}\n{comment}" for key, value in entries) + "---\n").replace("\n", newline)
    assert_plain_load_agrees(text)  # every value's position too
    _three_ways(text)
