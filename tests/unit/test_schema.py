"""One fixture per JSON Schema keyword the seed schema uses: rule id, pointer, line and column."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import ROOT, position_of, real_seed_text, variant
from validator.errors import SchemaLoadError
from validator.load import parse_text
from validator.models import Finding
from validator.validate.record import RecordValidator
from validator.validate.rules import RuleContext
from validator.validate.schema import inline_local_refs, load_schema

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def findings(text: str, schema_path: Path | None = None) -> list[Finding]:
    loaded = parse_text(text, "s.txt")
    assert loaded.record is not None, loaded.findings
    schema, _ = load_schema(schema_path)
    return loaded.findings + RecordValidator(schema, RuleContext(now=NOW)).validate(
        loaded.record, "s.txt", loaded.source)


def only(text: str) -> tuple[str, str, int | None, int | None]:
    found = findings(text)
    assert len(found) == 1, [(f.rule, f.pointer, f.message) for f in found]
    f = found[0]
    return f.rule, f.pointer, f.line, f.column


def test_the_real_seed_is_valid() -> None:
    assert findings(real_seed_text()) == []


def test_every_schema_property_has_a_description() -> None:
    schema = json.loads((ROOT / "schemas" / "seed.schema.json").read_text(encoding="utf-8"))
    missing = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    missing.append(f"{path}/properties/{name}")
            for key, sub in node.items():
                walk(sub, f"{path}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{path}/{i}")

    walk(schema, "")
    assert missing == []


def test_required_points_at_the_parent_mapping() -> None:
    text = variant(('    quality: 36\n', ''))  # the ITWeb related item loses its quality
    assert only(text) == ("schema/required", "/related/2", *position_of(text, 'title: "Solution House'))


def test_additional_property_points_at_the_key_and_suggests_the_close_name() -> None:
    text = variant(('heat: -1\n', 'heat: -1\npublised: true\n'))
    found = findings(text)
    assert [(f.rule, f.pointer, f.line, f.column) for f in found] == [
        ("schema/additionalProperties", "/publised", *position_of(text, "publised:"))]
    assert "did you mean 'published'?" in found[0].message


def test_additional_property_without_a_close_name_lists_the_allowed_ones() -> None:
    text = variant(("  domain: reason.com\n", "  domain: reason.com\n  zzz: 1\n"))
    found = findings(text)
    assert found[0].pointer == "/provider/zzz"
    assert "allowed here: domain, images, name" in found[0].message


def test_type() -> None:
    text = variant(("quality: 37", "quality: high"))
    assert only(text) == ("schema/type", "/quality", *position_of(text, "high"))


def test_enum() -> None:
    text = variant(("type: article\nquality", "type: story\nquality"))
    assert only(text) == ("schema/enum", "/type", *position_of(text, "story"))


def test_const_like_enum_of_category() -> None:
    text = variant(("category: news", "category: sports"))
    assert only(text)[:2] == ("schema/enum", "/category")


def test_format_date_time_is_enforced() -> None:
    text = variant(("publishedDateTime: 2021-04-09T11:00:00Z", "publishedDateTime: 2021-04-09 at noon"))
    assert only(text) == ("schema/format", "/publishedDateTime", *position_of(text, "2021-04-09 at noon"))


def test_format_date_time_needs_a_time_zone() -> None:
    text = variant(("publishedDateTime: 2021-04-07T23:00:00Z", 'publishedDateTime: "2021-04-07T23:00:00"'))
    assert only(text)[:2] == ("schema/format", "/related/1/publishedDateTime")


def test_format_uri_is_enforced() -> None:
    text = variant(('url: "https://s7d2.scene7.com/is/image/TWCNews/buzzfeed"',
                    'url: "https://s7d2.scene7.com/is/image/TWC<News>/buzzfeed"'))
    assert only(text)[:3] == ("schema/format", "/related/4/images/0/url", position_of(text, "TWC<News>")[0])


def test_pattern_of_secured() -> None:
    text = variant(('==;7oV166Z+w4PiiGNFkgsSxw=="', '==7oV166Z+w4PiiGNFkgsSxw=="'))
    rule, pointer, line, column = only(text)
    assert (rule, pointer, line, column) == ("schema/pattern", "/secured", *position_of(text, 'secured: "', offset=9))
    assert len(findings(text)[0].message) < 300  # the 1 KB value is shortened


def test_exclusive_minimum_of_image_size() -> None:
    text = variant(("width: 480", "width: 0"))
    assert only(text) == ("schema/exclusiveMinimum", "/related/0/images/0/width",
                          *position_of(text, "width: 0", offset=7))


def test_minimum_of_quality() -> None:
    text = variant(("quality: 37", "quality: -3"))
    assert only(text)[:2] == ("schema/minimum", "/quality")


def test_min_length_of_title() -> None:
    text = variant(('title: "Cops Are Using Facial Recognition Technology More Than Previously Revealed"', 'title: ""'))
    assert only(text)[:2] == ("schema/minLength", "/title")


def test_dependent_required_amp_pair() -> None:
    text = variant(('    cdnAmpWebUrl: "https://gizmodo-com.cdn.ampproject.org/c/s/gizmodo.com/dallas-police-used-face-'
                    'recognition-software-without-au-1846631918/amp"\n', ""))
    assert only(text)[:2] == ("schema/dependentRequired", "/related/1")


def test_dependent_required_quality_heat_published() -> None:
    text = variant(("heat: -1\n", ""))
    found = findings(text)
    assert {(f.rule, f.pointer) for f in found} == {("schema/dependentRequired", "")}


def test_article_requires_web_url_video_requires_featured_content() -> None:
    text = variant(('webUrl: "https://reason.com/2021/04/09/cops-are-using-facial-recognition-technology-more-than-'
                    'previously-revealed/"\n', ""))
    assert only(text) == ("schema/required", "", 2, 1)
    video = variant(("type: article\nquality", "type: video\nquality"))
    assert [(f.rule, f.message) for f in findings(video)] == [
        ("schema/required", "'featuredContent' is a required property")]


def test_null_topics_are_allowed_by_the_schema_but_warned_by_a_rule() -> None:
    text = variant(("  - AI\n", "  - AI\n  -\n"))
    assert only(text)[:2] == ("seed/null-topic", "/topics/2")


def test_another_schema_can_be_used(tmp_path: Path) -> None:
    path = tmp_path / "strict.json"
    path.write_text(json.dumps({"type": "object", "required": ["nonexistent"]}), encoding="utf-8")
    found = findings(real_seed_text(), path)
    assert [(f.rule, f.pointer) for f in found] == [("schema/required", "")]


@pytest.mark.parametrize("content, message", [
    ("{not json", "is not valid JSON"),
    ('{"type": 12}', "is not a valid JSON Schema"),
    ("[]", "must be a JSON object"),
])
def test_a_broken_schema_stops_the_run(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SchemaLoadError, match=message):
        load_schema(path)
    with pytest.raises(SchemaLoadError, match="cannot read schema"):
        load_schema(tmp_path / "missing.json")


def test_local_refs_are_inlined_for_speed_but_cycles_are_left_alone() -> None:
    schema = {"$defs": {"n": {"type": "integer"}},
              "properties": {"a": {"$ref": "#/$defs/n", "description": "kept"},
                             "b": {"$ref": "#/$defs/n", "minimum": 3}}}
    inlined = inline_local_refs(schema)
    assert inlined["properties"]["a"] == {"type": "integer", "description": "kept"}
    assert inlined["properties"]["b"] == {"minimum": 3, "allOf": [{"type": "integer"}]}
    cyclic = {"$defs": {"node": {"properties": {"next": {"$ref": "#/$defs/node"}}}}, "$ref": "#/$defs/node"}
    assert inline_local_refs(cyclic) is cyclic
    remote = {"$ref": "https://example.com/schema.json"}
    assert inline_local_refs(remote) is remote


def test_a_recursive_custom_schema_still_validates(tmp_path: Path) -> None:
    path = tmp_path / "tree.json"
    path.write_text(json.dumps({"$defs": {"node": {"type": "object", "properties": {
        "related": {"type": "array", "items": {"$ref": "#/$defs/node"}}, "quality": {"type": "string"}}}},
        "$ref": "#/$defs/node"}), encoding="utf-8")
    found = findings(real_seed_text(), path)
    assert {(f.rule, f.pointer) for f in found} == {("schema/type", "/quality"), ("schema/type", "/related/0/quality"),
                                                  ("schema/type", "/related/1/quality"),
                                                  ("schema/type", "/related/2/quality"),
                                                  ("schema/type", "/related/3/quality"),
                                                  ("schema/type", "/related/4/quality")}


@pytest.mark.parametrize("value, message", [
    ("[" + ", ".join(["1"] * 10_000) + "]", "[1, 1, 1, 1, 1, 1, …] is not of type 'integer'"),
    ("{" + ", ".join(f"k{n}: 1" for n in range(10_000)) + "}",
     "{'k0': 1, 'k1': 1, 'k2': 1, 'k3': 1, …} is not of type"),
    ("[" * 900 + "]" * 900, "[[[…]]] is not of type 'integer'"),  # its full repr would exceed the recursion limit
    ('"' + "x" * 100_000 + '"', "'" + "x" * 37 + "…" + "x" * 38 + "' is not of type 'integer'"),
    ("-" + "9" * 3000, "-9999999999999999999…9999 (3,001 digits) is less than the minimum of 0"),
])
def test_big_values_are_quoted_shortened_without_building_their_whole_repr(value: str, message: str) -> None:
    [finding] = findings(variant(("quality: 37", f"quality: {value}")))
    assert finding.pointer == "/quality" and finding.message.startswith(message), finding.message
    assert len(finding.message) < 200


def test_small_values_keep_jsonschemas_own_message() -> None:
    [finding] = findings(variant(("quality: 37", "quality: [1, 2]")))
    assert finding.message == "[1, 2] is not of type 'integer'"
