"""The baseline file: today's problems written down, so `check --baseline` fails only on new ones.

An entry is a problem's key (problems.key_of: file, pointer, rule, url); matching and `fixed` live in
problems.py, below the reports.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .jsonfile import DEFAULT_MAX_BYTES, printable, read_json_object, schema_problem
from .problems import Key, Problem, entry_of, key_from_entry, key_of

FORMAT_VERSION = 1
DEFAULT_FILE = "seed-validator-baseline.json"
SCHEMA = "baseline.schema.json"  # in schemas/


@dataclass(frozen=True, slots=True)
class Baseline:
    path: str
    keys: frozenset[Key]


def render(problems: Iterable[Problem], tool_version: str) -> str:
    entries = sorted({key_of(p) for p in problems})
    document: dict[str, Any] = {
        "format_version": FORMAT_VERSION, "tool": {"name": "seed-validator", "version": tool_version},
        "entries": [entry_of(key) for key in entries],
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def load(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Baseline:
    """The baseline at path, checked (size, nesting, schemas/baseline.schema.json) before it is used;
    ConfigError naming the file and its first problem when it is not one."""
    document = read_json_object(path, "baseline", ConfigError, hint="; create one with `seed-validator baseline`",
                                max_bytes=max_bytes, size_option="--max-report-size")
    version = document.get("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ConfigError(f"baseline {path} has format_version {printable(json.dumps(version))}; "
                          f"this seed-validator reads {FORMAT_VERSION}")
    problem = schema_problem(document, SCHEMA)
    if problem is not None:
        raise ConfigError(f"baseline {path} is not a seed-validator baseline: {problem}")
    return Baseline(str(path), frozenset(key_from_entry(entry) for entry in document["entries"]))
