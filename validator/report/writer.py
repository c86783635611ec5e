"""Writes the chosen report formats atomically: a reader never sees a half-written report."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..fix.model import FixReport
from ..models import RunResult, Severity
from . import html, json_report, junit, markdown, sarif
from .diff import ReportDiff


@dataclass(frozen=True, slots=True)
class ReportContext:
    """What renderers need beside the run result."""

    output_dir: Path
    fail_on: Severity | None = Severity.ERROR
    since: ReportDiff | None = None
    fixes: FixReport | None = None  # what fixing offered or did (check --fix/--diff)


Renderer = Callable[[RunResult, ReportContext], Iterable[str]]

# format name → (file name, renderer); renderers are pure, the writer does the I/O.
FORMATS: dict[str, tuple[str, Renderer]] = {
    "json": ("report.json", lambda result, ctx: json_report.render(result, ctx.fixes)),
    "md": ("report.md", lambda result, ctx: markdown.render(result, link_base=_link_base(ctx.output_dir),
                                                             since=ctx.since, fixes=ctx.fixes)),
    "junit": ("report.junit.xml", lambda result, ctx: junit.render(result, fail_on=ctx.fail_on)),
    "sarif": ("report.sarif", lambda result, ctx: sarif.render(result, ctx.fixes)),
    "html": ("report.html", lambda result, ctx: html.render(result, since=ctx.since,
                                                             link_base=_link_base(ctx.output_dir), fixes=ctx.fixes)),
}


def write_reports(result: RunResult, formats: Sequence[str], context: ReportContext) -> list[Path]:
    context.output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in formats:
        filename, renderer = FORMATS[name]
        path = context.output_dir / filename
        write_atomic(path, renderer(result, context))
        written.append(path)
    return written


def write_atomic(path: Path, chunks: Iterable[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.writelines(chunks)
        Path(temp).chmod(0o666 & ~_UMASK)  # mkstemp makes 0600; a report is as readable as any new file
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def _link_base(output_dir: Path) -> str:
    """The relative way from the report's folder back to the working directory (file paths start there)."""
    relative = os.path.relpath(Path.cwd(), output_dir.resolve())
    return "" if relative == "." else relative.replace(os.sep, "/") + "/"
