"""Writes the chosen report formats atomically: a reader never sees a half-written report."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..catalog import homepage
from ..models import RunResult, Severity
from . import codeclimate, html, json_report, junit, markdown, sarif
from .diff import ReportDiff
from .locations import SourceRoot


@dataclass(frozen=True, slots=True)
class ReportContext:
    """What renderers need beside the run result."""

    output_dir: Path
    fail_on: Severity | None = Severity.ERROR
    since: ReportDiff | None = None
    link_base: str | None = None  # --link-base: an absolute URL prefix for file links (else relative links)
    source_root: Path | None = None  # --sarif-root: paths in SARIF/Code Quality are from here (else cwd)


Renderer = Callable[[RunResult, ReportContext], Iterable[str]]

# format name → (file name, renderer); renderers are pure, the writer does the I/O.
FORMATS: dict[str, tuple[str, Renderer]] = {
    "json": ("report.json", lambda result, ctx: json_report.render(result)),
    "md": ("report.md", lambda result, ctx: markdown.render(result, link_base=_link_base(ctx), since=ctx.since)),
    "junit": ("report.junit.xml", lambda result, ctx: junit.render(result, fail_on=ctx.fail_on)),
    "sarif": ("report.sarif", lambda result, ctx: sarif.render(result, source=_source(ctx), home=homepage())),
    "html": ("report.html", lambda result, ctx: html.render(result, since=ctx.since, link_base=_link_base(ctx))),
    "codeclimate": ("report.codeclimate.json", lambda result, ctx: codeclimate.render(result, source=_source(ctx))),
}


def write_reports(result: RunResult, formats: Sequence[str], context: ReportContext) -> list[Path]:
    if formats:
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


def _link_base(context: ReportContext) -> str:
    """--link-base, or the relative way from the report's folder back to the working directory (file paths
    start there)."""
    if context.link_base is not None:
        return context.link_base
    relative = os.path.relpath(Path.cwd(), context.output_dir.resolve())
    return "" if relative == "." else relative.replace(os.sep, "/") + "/"


def _source(context: ReportContext) -> SourceRoot:
    cwd = Path.cwd().resolve()
    return SourceRoot((context.source_root or cwd).resolve().as_posix(), cwd.as_posix())
