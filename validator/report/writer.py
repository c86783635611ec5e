"""Writes the chosen report formats atomically: a reader never sees a half-written report."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from ..errors import UsageError
from ..hrefs import file_uri_path
from .context import ReportInput

Renderer = Callable[[ReportInput], Iterable[str]]
NO_REPORTS = "none"  # --format none: console lines only, nothing written (the pre-commit hook)


@dataclass(frozen=True, slots=True)
class Format:
    """A report format: the file it is written to and its renderer (pure; the writer does the I/O)."""

    filename: str
    render: Renderer


def _renderer(module: str) -> Renderer:
    """The render function of a renderer module, imported when its format is written (jinja2 for html,
    xml for junit: ~50 ms a run that does not write them does not pay)."""
    def render(report: ReportInput) -> Iterable[str]:
        rendered: Iterable[str] = import_module(f"{__package__}.{module}").render(report)
        return rendered

    return render


# Format name → format. Adding a format is one entry here and its renderer module.
FORMATS: dict[str, Format] = {
    "json": Format("report.json", _renderer("codec")),
    "md": Format("report.md", _renderer("markdown")),
    "junit": Format("report.junit.xml", _renderer("junit")),
    "sarif": Format("report.sarif", _renderer("sarif")),
    "html": Format("report.html", _renderer("html")),
    "codeclimate": Format("report.codeclimate.json", _renderer("codeclimate")),
}


def parse_formats(text: str) -> list[str]:
    """The formats a comma-separated --format value names (none for 'none' alone); UsageError for an unknown
    or empty one."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if names == [NO_REPORTS]:
        return []
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise UsageError(f"--format: unknown format {', '.join(unknown) or '(none)'}; "
                         f"choose from {', '.join(FORMATS)}, or {NO_REPORTS} alone")
    return list(dict.fromkeys(names))


def write_reports(report: ReportInput, formats: Sequence[str], output_dir: Path) -> list[Path]:
    """Write each named format to output_dir (atomically); the paths written, in the order asked. No format:
    nothing is written, not even the folder. File links start with report.link_base (--link-base) when it
    is set, else with the way back from output_dir to the working directory."""
    if not formats:
        return []
    output_dir.mkdir(parents=True, exist_ok=True)
    if not report.link_base:
        report = dataclasses.replace(report, link_base=_link_base(output_dir))
    report = dataclasses.replace(report, written=tuple(FORMATS[name].filename for name in formats))
    written = []
    for name in formats:
        chosen = FORMATS[name]
        path = output_dir / chosen.filename
        write_atomic(path, chosen.render(report))
        written.append(path)
    return written


def write_atomic(path: Path, chunks: Iterable[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # backslashreplace: a lone surrogate (a "\ud800" escape in a report or cache row read back) is written as
        # that escape, which JSON reads back as it was, instead of stopping the run without its report.
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as handle:
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
    """The relative way from the report's folder back to the working directory (file paths start there),
    percent-encoded like the file paths after it (a folder named `a#b` stays a folder in a link)."""
    relative = os.path.relpath(Path.cwd(), output_dir.resolve())
    return "" if relative == "." else file_uri_path(relative.replace(os.sep, "/") + "/")
