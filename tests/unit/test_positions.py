"""Positions of pointers in the composed YAML: a large mapping is indexed once, and answers as the scan does."""

from __future__ import annotations

import yaml

from validator.load import parse_text
from validator.positions import SourceMap


def _map(lines: list[str]) -> SourceMap:
    root = yaml.compose("\n".join(lines) + "\n", Loader=yaml.SafeLoader)
    return SourceMap(root)


def test_a_large_mapping_answers_as_a_small_one_the_last_of_equal_keys_winning() -> None:
    keys = [f"k{n}: {n}" for n in range(200)]
    source = _map([*keys, "k7: again", "nested:", *(f"  n{n}: {n}" for n in range(100))])
    assert source.position("/k150") == (151, 7)
    assert source.position("/k150", key=True) == (151, 1)
    assert source.position("/k7") == (201, 5)  # the last k7, as in the loaded record
    assert source.position("/nested/n99", key=True) == (302, 3)
    assert source.position("/absent") == (1, 1)  # the nearest existing ancestor: the document


def test_thousands_of_unknown_keys_are_each_found_where_they_stand() -> None:
    """Every unknown key is a finding whose position is looked up: a scan per lookup made a 40,000-key
    record take minutes; each key's line must still be its own."""
    body = "".join(f"u{n}: 1\n" for n in range(20_000))
    loaded = parse_text(f"---\ntitle: t\n{body}---\n", "seed.txt", every_position=True)
    assert loaded.source is not None
    assert [loaded.source.position(f"/u{n}", key=True) for n in (0, 9_999, 19_999)] == [(3, 1), (10_002, 1),
                                                                                         (20_002, 1)]
