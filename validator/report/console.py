"""Console lines (file:line:col: severity rule message) and GitHub Actions workflow commands."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..models import RunResult, Severity
from ..problems import Problem


def lines(items: Sequence[Problem]) -> Iterator[str]:
    for p in items:
        where = f"{p.file}:{p.line}:{p.column or 1}" if p.line else p.file
        pointer = f" ({p.pointer})" if p.pointer else ""
        yield f"{where}: {p.severity} {p.rule} {p.message}{pointer}"


def summary(result: RunResult, items: Sequence[Problem]) -> str:
    errors = sum(p.severity is Severity.ERROR for p in items)
    warnings = len(items) - errors
    text = f"{result.files} file(s), {result.records} record(s): {errors} error(s), {warnings} warning(s)"
    if not result.links_checked:
        return text + "; links not checked (--offline)"
    counts = {status: n for status, n in result.count_links().items() if n}
    text += f"; {len(result.links)} link(s)" + (
        " (" + ", ".join(f"{n} {status}" for status, n in counts.items()) + ")" if counts else "")
    if result.inconclusive:
        text += "; INCONCLUSIVE: the network was unavailable, no link was called dead"
    if not result.complete:
        text += "; run incomplete"
    return text


def github_annotations(items: Sequence[Problem]) -> Iterator[str]:
    """`::error file=…,line=…,col=…,title=…::message` lines that GitHub shows on the changed files."""
    for p in items:
        props = [f"file={_property(p.file)}"]
        if p.line:
            props += [f"line={p.line}", f"col={p.column or 1}"]
        props.append(f"title={_property(p.rule)}")
        command = "error" if p.severity is Severity.ERROR else "warning"
        pointer = f" ({p.pointer})" if p.pointer else ""
        yield f"::{command} {','.join(props)}::{_data(p.message + pointer)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
