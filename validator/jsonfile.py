"""Reading the JSON files a run is given (schema, baseline, reports), with one clear error each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import ValidatorError


def read_json_object(path: Path, what: str, error: type[ValidatorError], *, hint: str = "") -> dict[str, Any]:
    """The JSON object in path, or `error` naming the file and what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}{hint}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:  # nesting deeper than the parser goes
        raise error(f"{what} {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise error(f"{what} {path} must be a JSON object")
    return data
