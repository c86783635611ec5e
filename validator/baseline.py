"""Baselines: accept today's findings, fail only on new ones, and see which were fixed.

An entry is (file, pointer, rule, url): no line numbers, which drift with every edit above them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .jsonfile import read_json_object
from .report.problems import Problem

FORMAT_VERSION = 1
DEFAULT_FILE = "seed-validator-baseline.json"
Key = tuple[str, str, str, str]


@dataclass(frozen=True, slots=True)
class Baseline:
    path: str
    keys: frozenset[Key]


def key_of(problem: Problem) -> Key:
    return (problem.file, problem.pointer, problem.rule, problem.url)


def render(problems: Iterable[Problem], tool_version: str) -> str:
    entries = sorted({key_of(p) for p in problems})
    document: dict[str, Any] = {
        "format_version": FORMAT_VERSION, "tool": {"name": "seed-validator", "version": tool_version},
        "entries": [{"file": f, "pointer": p, "rule": r, **({"url": u} if u else {})} for f, p, r, u in entries],
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def load(path: Path) -> Baseline:
    document = read_json_object(path, "baseline", ConfigError, hint="; create one with `seed-validator baseline`")
    try:
        if document["format_version"] != FORMAT_VERSION:
            raise ConfigError(f"baseline {path} has format_version {document['format_version']}; "
                              f"this seed-validator reads {FORMAT_VERSION}")
        keys = frozenset((e["file"], e["pointer"], e["rule"], e.get("url", "")) for e in document["entries"])
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"baseline {path} is not a seed-validator baseline (missing {exc})") from exc
    return Baseline(str(path), keys)


def fixed(accepted: frozenset[Key], problems: Iterable[Problem], checked_files: Iterable[str]) -> list[Key]:
    """Baselined entries of the files this run checked that no longer occur: the baseline can lose them."""
    present = {key_of(p) for p in problems}
    checked = set(checked_files)
    return sorted(k for k in accepted if k[0] in checked and k not in present)
