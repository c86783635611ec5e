"""The pure text work of fixes: scalars written in each style read back as the value; edits, offsets,
regions and diffs."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from validator.fix import scalars
from validator.fix.edits import Edit, LineIndex, Region, apply_edits, ordered, position, region, shift, unified_diff

LOADERS = [yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)]


@given(st.text(max_size=40), st.sampled_from(["", "'", '"', "|", ">", None]), st.booleans())
def test_any_value_written_in_any_style_reads_back_as_itself(value: str, style: str | None, flow: bool) -> None:
    written = scalars.render(value, style, flow=flow)
    document = f"k: [{written}, x]\n" if flow else f"k: {written}  # comment\nother: 1\n"
    for loader in LOADERS:
        loaded = yaml.load(document, Loader=loader)
        assert (loaded["k"][0] if flow else loaded["k"]) == value


@pytest.mark.parametrize(("value", "style", "flow", "written"), [
    ("https://a.example/x", "", False, "https://a.example/x"),
    ("https://a.example/x,y", "", False, "https://a.example/x,y"),
    ("https://a.example/x,y", "", True, '"https://a.example/x,y"'),       # ',' ends a plain scalar in [...]
    ("https://a.example/it's", "'", False, "'https://a.example/it''s'"),
    ("https://a.example/x", '"', False, '"https://a.example/x"'),
    ("https://a.example/\u00e9", "", False, "https://a.example/\u00e9"),
    ("tab\there", "'", False, '"tab\\there"'),                             # single quotes cannot escape
    ("true", "", False, '"true"'),                                         # would read back as a boolean
    ("https://a.example/x #y", "", False, '"https://a.example/x #y"'),    # ' #' starts a comment
    ("- x", "", False, '"- x"'),
    ("x\u2028y", '"', False, '"x\\u2028y"'),
    ("https://a.example/x", "|", False, '"https://a.example/x"'),          # block scalars become quoted
])
def test_the_style_is_kept_when_safe_and_double_quotes_otherwise(value: str, style: str, flow: bool,
                                                                   written: str) -> None:
    assert scalars.render(value, style, flow=flow) == written


def test_edits_apply_in_order_and_overlaps_are_refused() -> None:
    text = "abcdef"
    assert apply_edits(text, [Edit(4, 5, "E"), Edit(0, 1, "AA"), Edit(2, 2, "+")]) == "AAb+cdEf"
    with pytest.raises(ValueError, match="overlap"):
        ordered([Edit(0, 3, ""), Edit(2, 4, "")])
    with pytest.raises(ValueError, match="overlap"):
        ordered([Edit(2, 2, "x"), Edit(2, 2, "y")])  # two insertions at one place: no defined order
    with pytest.raises(ValueError, match="outside"):
        apply_edits(text, [Edit(5, 9, "")])


def test_offsets_move_with_the_edits_before_them() -> None:
    edits = ordered([Edit(2, 4, "XYZW"), Edit(8, 10, "")])
    assert [shift(offset, edits) for offset in (0, 2, 3, 4, 7, 8, 9, 10, 12)] == [0, 2, 2, 6, 9, 10, 10, 10, 12]


def test_line_index_counts_code_points_and_treats_crlf_as_one_line_end() -> None:
    text = "a: 😀x\r\nb: é\r\n\r\nc"
    lines = LineIndex(text)
    assert lines.position(text.index("x")) == (1, 5)
    assert lines.position(text.index("é")) == (2, 4)
    assert lines.position(text.index("c")) == (4, 1)
    assert lines.offset(2, 4) == text.index("é")
    assert lines.region(text.index("b"), text.index("c")) == Region(2, 1, 4, 1) == region(text, 7, len(text) - 1)
    assert all(position(text, offset) == lines.position(offset) for offset in range(len(text) + 1))


def test_unified_diff_names_both_sides_and_marks_a_missing_final_line_break() -> None:
    diff = unified_diff("seeds/a.txt", "a\nb\n", "a\nc")
    assert diff.startswith("--- a/seeds/a.txt\n+++ b/seeds/a.txt\n")
    assert "-b\n+c\n\\ No newline at end of file\n" in diff
    assert unified_diff("seeds/a.txt", "same", "same") == ""
