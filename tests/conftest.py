"""Shared helpers: the real seed as a template for bad variants, positions found by plain text search."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
REAL_SEED = ROOT / "seeds" / "000_d663f88f6a665438.txt"
REPORT_SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))


def real_seed_text() -> str:
    return REAL_SEED.read_text(encoding="utf-8")


def variant(*replacements: tuple[str, str]) -> str:
    """The real seed with exact text replacements (each must match once, so a fixture cannot rot silently)."""
    text = real_seed_text()
    for old, new in replacements:
        assert text.count(old) == 1, f"fixture text {old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def position_of(text: str, needle: str, *, offset: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the first occurrence of needle (plus offset characters) in text."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def assert_valid_report(report: dict[str, Any]) -> None:
    validator = Draft202012Validator(REPORT_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "seeds"
    directory.mkdir()
    return directory
