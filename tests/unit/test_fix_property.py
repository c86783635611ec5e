"""Property: on any record with fixable defects, in any quoting style, with comments, CRLF or a BOM, the
fixes change nothing but the targeted values; the fixed rules stop firing; a second plan finds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator import amp
from validator.fix.plan import plan
from validator.fix.source import Source, parse_source
from validator.fix.verify import apply_fixes
from validator.positions import SourceMap, escape
from validator.validate.record import RecordValidator
from validator.validate.rules import RuleContext
from validator.validate.schema import load_schema

VALIDATOR = RecordValidator(load_schema(None)[0], RuleContext(now=datetime(2026, 11, 26, tzinfo=UTC)))
SLUGS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
DEFECTS = st.sampled_from(["none", "spaces", "tab", "mojibake", "non-ascii", "non-ascii+spaces"])
STYLES = st.sampled_from(["plain", "single", "double"])
COMMENTS = st.sampled_from(["", "  # a comment", "   #: odd # comment 'quoted' \"too\""])


def _defective(url: str, defect: str) -> str:
    if defect == "spaces":
        return f"  {url} "
    if defect == "tab":
        return url + "\t"
    if defect == "mojibake":
        return url + "caf\u00c3\u00a9"
    if defect == "non-ascii":
        return url + "ünï-😀"
    if defect == "non-ascii+spaces":
        return " " + url + "é"
    return url


def _scalar(value: str, style: str) -> str:
    if style == "plain" and value == value.strip() and "\t" not in value:
        return value
    if style == "single" and "\t" not in value:
        return "'" + value.replace("'", "''") + "'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = ["---", "category: news" + draw(COMMENTS), 'title: "A story"', 'excerpt: "Something."',
             "publishedDateTime: 2021-04-09T11:00:00Z"]
    base = f"https://news.example.com/{draw(SLUGS)}/"
    fields = [("originalUrl", base), ("webUrl", base), ("ampWebUrl", base + "amp")]
    for key, url in fields:
        lines.append(f"{key}: {_scalar(_defective(url, draw(DEFECTS)), draw(STYLES))}{draw(COMMENTS)}")
    cache = amp.cache_url(base + "amp")
    assert cache is not None
    cdn = cache if draw(st.booleans()) else cache.replace("/c/s/", "/c/")
    lines.append(f"cdnAmpWebUrl: {_scalar(cdn, draw(STYLES))}{draw(COMMENTS)}")
    if draw(st.booleans()):
        lines.append("# a full-line comment")
    lines += ["type: article", "provider:", "  name: Example", "  domain: example.com"]
    topics = draw(st.lists(st.sampled_from(["AI", "Robots", "", "~", "null"]), min_size=1, max_size=6))
    if draw(st.booleans()):
        lines.append("topics: [" + ", ".join(t or "null" for t in topics) + "]")
    else:
        lines += ["topics:" + draw(COMMENTS), *(f"  - {t}".rstrip() for t in topics)]
    image = f"https://img.example.com/{draw(SLUGS)}.jpg"
    lines += ["images:", f"  - url: {_scalar(_defective(image, draw(DEFECTS)), draw(STYLES))}", "    width: 1",
              "    height: 1", 'secured: "YWJj;ZGVm"', "---", ""]
    text = (draw(st.sampled_from(["\n", "\r\n"]))).join(lines)
    return ("\ufeff" if draw(st.booleans()) else "") + text


def _flat(value: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flat(item, f"{pointer}/{escape(str(key))}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _flat(item, f"{pointer}/{index}")
    else:
        yield pointer, value


def _reported(source: Source) -> set[tuple[str, str]]:
    return {(f.pointer, f.rule) for f in VALIDATOR.validate(source.record, source.file, SourceMap(source.root))}


def _source(document: str) -> Source:
    bom = document.startswith("\ufeff")
    source = parse_source(document.removeprefix("\ufeff"), "seeds/a.txt", bom=bom)
    assert source is not None
    return source


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_a_fix_changes_nothing_but_the_targeted_values(document: str) -> None:
    source = _source(document)
    reported = _reported(source)
    fixes, notes = plan(source, reported, {}, unsafe=True)
    applied = apply_fixes(source, fixes)
    assert notes == [] and applied.notes == () and len(applied.applied) == len(fixes)
    if not fixes:
        assert not {rule for _, rule in reported} & {"seed/url-whitespace", "seed/url-mojibake", "seed/url-non-ascii",
                                                     "seed/amp-cache-url", "seed/null-topic"}
        return
    new = applied.new
    assert new is not None and new.bom == source.bom

    changed = {c.pointer: c.new for fix in fixes for c in fix.changes}
    removed = sorted(int(p.rsplit("/", 1)[1]) for p, value in changed.items() if value is None)
    old_values, new_values = dict(_flat(source.record)), dict(_flat(new.record))
    expected = {}
    for old_pointer, old_value in old_values.items():
        value = changed.get(old_pointer, old_value) if old_pointer in changed else old_value
        if old_pointer in changed and value is None:
            continue  # the item is removed
        pointer = old_pointer
        if pointer.startswith("/topics/"):
            index = int(pointer.rsplit("/", 1)[1])
            pointer = f"/topics/{index - sum(r < index for r in removed)}"
        expected[pointer] = value
    if len(removed) == len(source.record["topics"]):
        assert new.record["topics"] == []
    assert new_values == expected

    # text outside the edits is byte for byte what it was: every comment and line break survives
    assert new.text.count("#") == source.text.count("#") and ("\r\n" in new.text) == ("\r\n" in source.text)
    # the fixed rules stop firing, and there is nothing left to fix
    resolved = {r for fix in fixes for r in fix.resolves if not r[0].startswith("/topics/")}
    assert not resolved & _reported(new)
    assert plan(new, _reported(new), {}, unsafe=True)[0] == []
