"""Hostile YAML: alias bombs in every syntax, megabyte values, deep nesting, numbers Python will not print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import position_of, variant
from tests.hostile.harness import (
    MiB,
    assert_ran,
    assert_reports_written,
    check_args,
    findings,
    own_findings,
    run_capped,
)


def flow_alias_bomb(levels: int = 9) -> str:
    """Billion laughs in JSON-like flow style: every anchor and alias straight after a ':'."""
    members = ['"a":&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        name, previous = chr(97 + level), chr(96 + level)
        members.append(f'"{name}":&{name} {{' + ",".join(f'"{n}":*{previous}' for n in range(9)) + "}")
    return "---\n{" + ",".join(members) + "}\n---\n"


def test_item1_a_flow_style_alias_bomb_is_a_finding_in_bounded_memory(tmp_path: Path) -> None:
    bomb = flow_alias_bomb()
    assert len(bomb.encode()) < 1024  # 9 levels: 9^9 = 387 million "lol"s once expanded
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "bomb.txt").write_text(bomb, encoding="utf-8")
    outcome = run_capped(*check_args("seeds"), cwd=tmp_path, memory=100 * MiB)
    assert_ran(outcome)
    assert outcome.peak_rss < 100 * MiB
    report = assert_reports_written(tmp_path / "reports")
    assert [(v["file"], v["line"], v["column"]) for v in findings(report, "yaml/alias")] == [("seeds/bomb.txt", 2, 6)]


def test_item1_big_and_deep_values_are_quoted_in_bounded_messages(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    many = "[" + ",".join(['"lol"'] * 50_000) + "]"
    (tmp_path / "seeds" / "big.txt").write_text(
        variant(("quality: 37", f"quality: {many}"), ("category: news", f"category: {'x' * 1_000_000}")),
        encoding="utf-8")
    (tmp_path / "seeds" / "deep.txt").write_text(
        variant(("quality: 37", "quality: " + "[" * 999 + "]" * 999)), encoding="utf-8")
    # 2 million values in 4 MB: the parser's nodes alone would take ~2 GB; counted, not built.
    (tmp_path / "seeds" / "many.txt").write_text("---\nq: [" + "1," * 2_000_000 + "1]\n---\n", encoding="utf-8")
    outcome = run_capped(*check_args("seeds"), cwd=tmp_path, memory=256 * MiB)
    assert_ran(outcome)
    report = assert_reports_written(tmp_path / "reports")
    found = {(v["file"], v["rule"], v["pointer"]) for v in own_findings(report)}
    assert found == {("seeds/big.txt", "schema/type", "/quality"), ("seeds/big.txt", "schema/enum", "/category"),
                     ("seeds/deep.txt", "schema/type", "/quality"), ("seeds/many.txt", "yaml/too-large", "")}
    assert all(len(v["message"]) < 300 for v in report["violations"]), [v["message"] for v in report["violations"]]
    assert len(outcome.stdout) < 5000
    assert sum(p.stat().st_size for p in (tmp_path / "reports").iterdir()) < 200_000


SCALARS = {
    "decimal": "9" * 5000,            # past Python's 4,300-digit limit
    "negative": "-" + "9" * 5000,
    "hex": "0x" + "f" * 5000,
    "octal": "0o" + "7" * 5000,
    "yaml11-octal": "0" + "7" * 5000,
    "binary": "0b" + "1" * 20_000,
    "sexagesimal": "1" + ":59" * 3000,
    "long-sexagesimal": "1" + ":59" * 1_000_000,  # quadratic to compute: never computed
    "nan": ".nan",
    "inf": ".inf",
    "minus-inf": "-.inf",
    "float-overflow": "1e999",
    "tagged-int": "!!int abc",
    "tagged-float": "!!float abc",
}


def test_item2_odd_numbers_are_findings_never_exceptions(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    texts = {}
    for key, scalar in SCALARS.items():
        texts[key] = variant(("quality: 37", f"quality: {scalar}"))
        (tmp_path / "seeds" / f"{key}.txt").write_text(texts[key], encoding="utf-8")
    outcome = run_capped(*check_args("seeds"), cwd=tmp_path)
    assert_ran(outcome)
    report = assert_reports_written(tmp_path / "reports")
    by_file: dict[str, list[dict[str, Any]]] = {}
    for violation in own_findings(report):
        by_file.setdefault(violation["file"], []).append(violation)
    assert set(by_file) == {f"seeds/{key}.txt" for key in SCALARS}
    for key, violations in by_file.items():
        text = texts[key.removeprefix("seeds/").removesuffix(".txt")]
        [violation] = violations
        assert (violation["rule"], violation["pointer"]) == ("schema/type", "/quality"), violation
        assert (violation["line"], violation["column"]) == position_of(text, "quality: ", offset=9)
        assert violation["message"].endswith("is not of type 'integer'") and len(violation["message"]) < 200
