"""Writes the chosen report formats atomically: a reader never sees a half-written report."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..models import RunResult, Severity
from . import json_report, junit, markdown, sarif

Renderer = Callable[[RunResult, Path, "Severity | None"], Iterable[str]]

# format name → (file name, renderer); renderers are pure, the writer does the I/O.
FORMATS: dict[str, tuple[str, Renderer]] = {
    "json": ("report.json", lambda result, out, fail_on: json_report.render(result)),
    "md": ("report.md", lambda result, out, fail_on: markdown.render(result, link_base=_link_base(out))),
    "junit": ("report.junit.xml", lambda result, out, fail_on: junit.render(result, fail_on=fail_on)),
    "sarif": ("report.sarif", lambda result, out, fail_on: sarif.render(result)),
}


def write_reports(result: RunResult, formats: Sequence[str], output_dir: Path,
                  *, fail_on: Severity | None = Severity.ERROR) -> list[Path]:
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in formats:
        filename, renderer = FORMATS[name]
        path = output_dir / filename
        write_atomic(path, renderer(result, output_dir, fail_on))
        written.append(path)
    return written


def write_atomic(path: Path, chunks: Iterable[str]) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.writelines(chunks)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _link_base(output_dir: Path) -> str:
    """The relative way from the report's folder back to the working directory (file paths start there)."""
    relative = os.path.relpath(Path.cwd(), output_dir.resolve())
    return "" if relative == "." else relative.replace(os.sep, "/") + "/"
