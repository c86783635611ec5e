"""GitLab Code Quality (Code Climate issues, JSON array): merge request widgets and diff annotations.

Fields GitLab documents: description, check_name, fingerprint, severity (info, minor, major, critical,
blocker) and location.path (from the repository root) with location.lines.begin.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..models import Severity
from ..problems import Problem
from .context import ReportInput
from .locations import SourceRoot, fingerprint

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}
BASELINED = "info"  # accepted in the baseline: shown, never a new issue to act on


def render(report: ReportInput) -> Iterator[str]:
    source = report.source or SourceRoot.at()
    yield "["
    for n, p in enumerate(report.problems):
        yield ("," if n else "") + "\n  " + json.dumps(issue(p, source), ensure_ascii=False)
    yield "\n]\n"


def issue(p: Problem, source: SourceRoot) -> dict[str, Any]:
    path = source.relative(p.file) or p.file
    where = f" ({p.pointer})" if p.pointer else ""
    return {
        "type": "issue",
        "engine_name": "seed-validator",
        "check_name": p.rule,
        "description": f"{p.message}{where}",
        "categories": ["Bug Risk"],
        "severity": BASELINED if p.baselined else _SEVERITY[p.severity],
        "fingerprint": fingerprint(p, path),
        "location": {"path": path, "lines": {"begin": p.line or 1}},
    }
