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
from .jsonfile import read_json_object
from .problems import Key, Problem, entry_of, key_from_entry, key_of

FORMAT_VERSION = 1
DEFAULT_FILE = "seed-validator-baseline.json"


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


def load(path: Path) -> Baseline:
    document = read_json_object(path, "baseline", ConfigError, hint="; create one with `seed-validator baseline`")
    try:
        if document["format_version"] != FORMAT_VERSION:
            raise ConfigError(f"baseline {path} has format_version {document['format_version']}; "
                              f"this seed-validator reads {FORMAT_VERSION}")
        keys = frozenset(key_from_entry(entry) for entry in document["entries"])
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"baseline {path} is not a seed-validator baseline (missing {exc})") from exc
    return Baseline(str(path), keys)

