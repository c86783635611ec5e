"""What the console shows, like ruff: one line per problem (file:line:col: severity rule message), GitHub
Actions annotations, the run's notes, the counts (labelled as in every report) and a verdict that says what
failed and what the exit code means.

Every line goes through escape.console_line: nothing from a seed, a file name or a server can break a line,
colour the terminal or start a workflow command. Colours are the tool's own, and only when wanted
(`colour_wanted`: a terminal, NO_COLOR unset, or FORCE_COLOR).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from ..models import LinkStatus, RunResult, Severity
from ..problems import Problem
from ..urls import host_of, origin_of
from . import headline
from .escape import annotation_data, annotation_property, console_line, console_text
from .summary import FINDINGS, LINK_PROBLEMS, LINKS, Summary, plural

_UNVERIFIED = LinkStatus.ERROR.rule_id  # links that could not be verified: network causes, grouped by cause
_SGR = {"error": "1;31", "warning": "1;33", "where": "1", "rule": "2", "pass": "1;32", "fail": "1;31",
        "unsure": "1;33"}


@dataclass(frozen=True, slots=True)
class Palette:
    """ANSI colours, or none (colour=False): the text is the same either way."""

    colour: bool = False

    def paint(self, text: str, role: str) -> str:
        return f"\x1b[{_SGR[role]}m{text}\x1b[0m" if self.colour and text else text


PLAIN = Palette()


def colour_wanted(stream: TextIO, env: Mapping[str, str]) -> bool:
    """NO_COLOR (any value but empty) turns colours off; FORCE_COLOR (any value but empty, 0 or false) turns
    them on; otherwise colours on a terminal that is not TERM=dumb."""
    if env.get("NO_COLOR"):
        return False
    force = env.get("FORCE_COLOR")
    if force:
        return force.lower() not in ("0", "false")
    try:
        return stream.isatty() and env.get("TERM") != "dumb"
    except ValueError:  # a closed stream
        return False


def lines(result: RunResult, items: Sequence[Problem], palette: Palette = PLAIN) -> Iterator[str]:
    """A line per problem the baseline does not accept; links that could not be verified for the same cause
    (a host refusing connections, no network) are one line per cause, naming how many links and hosts."""
    shown = [p for p in items if not p.baselined]
    reasons = {e.url: e.result.reason for e in result.links.values()
               if e.result is not None and e.result.status.rule_id == _UNVERIFIED} if result.links else {}
    by_cause: dict[str, list[Problem]] = {}
    for p in shown:
        if p.rule == _UNVERIFIED:
            by_cause.setdefault(_cause(reasons.get(p.url, p.message), p.url), []).append(p)
    grouped = {id(p): (cause, group) for cause, group in by_cause.items() if len(group) > 1 for p in group}
    for p in shown:
        if id(p) not in grouped:
            yield _line(p, p.message + (f" ({p.pointer})" if p.pointer else ""), palette)
            continue
        cause, group = grouped[id(p)]
        if group[0] is p:
            urls = {g.url for g in group}
            hosts = {host_of(url) or url for url in urls}
            yield _line(p, f"{plural(len(group), 'link problem')} ({plural(len(urls), 'link')} on "
                           f"{plural(len(hosts), 'host')}) could not be verified: {cause} (the first is here; every "
                           "one is in the reports)", palette)


def _line(p: Problem, message: str, palette: Palette) -> str:
    where = f"{p.file}:{p.line}:{p.column or 1}" if p.line else p.file
    severity = p.severity.value
    return (f"{palette.paint(console_line(where), 'where')}: {palette.paint(severity, severity)} "
            f"{palette.paint(console_text(p.rule), 'rule')} {console_text(message)}")


def _cause(reason: str, url: str) -> str:
    """Why a link could not be verified, its host named generically: the same for every host that failed
    the same way."""
    host = host_of(url)
    reason = reason.removeprefix("not verified").lstrip(",: ")  # the line says "could not be verified" already
    if not host:
        return reason
    # a reason may name the origin (`http://host:8080 failed 5 connections`): all of it is the host
    named = re.sub(re.escape(origin_of(url)) + r"(?![\w/.:-])", "the host", reason)
    return re.sub(r"(?<![\w/.-])" + re.escape(host) + r"(?![\w.-])", "the host", named)  # not inside a URL


def github_annotations(items: Sequence[Problem]) -> Iterator[str]:
    """`::error file=…,line=…,col=…,title=…::message` lines that GitHub shows on the changed files (not for
    baselined problems: they are accepted)."""
    for p in items:
        if p.baselined:
            continue
        props = [f"file={annotation_property(p.file)}"]
        if p.line:
            props += [f"line={p.line}", f"col={p.column or 1}"]
        props.append(f"title={annotation_property(p.rule)}")
        command = "error" if p.severity is Severity.ERROR else "warning"
        pointer = f" ({p.pointer})" if p.pointer else ""
        yield f"::{command} {','.join(props)}::{annotation_data(p.message + pointer)}"


def notes(result: RunResult) -> Iterator[str]:
    for note in result.notes:
        yield console_line(f"note: {note}")


def counts(result: RunResult, summary: Summary) -> str:
    """One line of counts, each labelled by what it counts (the words of every report): problems of both
    kinds by severity, then structure findings and link problems apart, then links by status."""
    kinds = [f"{FINDINGS}: {_severities(summary.findings)}"]
    if summary.links_checked:
        statuses = [f"{n} {status}" for status, n in summary.link_problems_by_status.items() if n]
        statuses = [f"by status: {', '.join(statuses)}"] if statuses else []
        statuses += [plural(summary.link_warnings, "link warning")] if summary.link_warnings else []
        kinds.append(f"{LINK_PROBLEMS}: {_severities(summary.link_problems)}"
                     + (f" [{', '.join(statuses)}]" if statuses else ""))
    parts = [f"{plural(summary.files, 'file')}, {plural(summary.records, 'record')}: "
             f"{_severities(summary.problems)} ({'; '.join(kinds)})"]
    if not summary.links_checked:
        parts.append("links not checked (--offline)")
    else:
        checked = [f"{n} {status}" for status, n in _enum_order(summary.links_by_status) if n]
        parts.append(f"{LINKS}: {plural(summary.links, 'link')}" + (f" ({', '.join(checked)})" if checked else ""))
    if summary.baselined:
        parts.append(f"{summary.baselined} baselined (not shown)")
    if not result.complete:
        parts.append("run incomplete" + (f" (shard {result.shard[0]} of {result.shard[1]})" if result.shard else ""))
    return console_line("; ".join(parts))


def _severities(counts: Mapping[Severity, int]) -> str:
    return f"{plural(counts[Severity.ERROR], 'error')}, {plural(counts[Severity.WARNING], 'warning')}"


def _enum_order(counts: Mapping[LinkStatus, int]) -> list[tuple[LinkStatus, int]]:
    return [(status, counts[status]) for status in LinkStatus]


def verdict(result: RunResult, summary: Summary, *, fail_on: str, code: int, meaning: str,
            palette: Palette = PLAIN) -> str:
    """The last line: what decided the exit code, and what the code means."""
    failing = []
    if summary.failing_findings:
        failing.append(plural(summary.failing_findings, "structure finding"))
    if summary.failing_link_problems:
        failing.append(plural(summary.failing_link_problems, "link problem"))
    what = f"{plural(summary.failing, 'problem')} at or above --fail-on {fail_on} ({', '.join(failing)})"
    if result.interrupted:
        word, role, text = "Interrupted", "unsure", "the reports hold what was found so far"
    elif summary.failing:  # definite failures win over an inconclusive link stage (exit 1, not 3)
        word, role, text = "Failed", "fail", what
        if result.inconclusive:
            text += "; the link stage was also INCONCLUSIVE: " + headline.inconclusive(summary)
    elif result.inconclusive:
        word, role = "INCONCLUSIVE", "unsure"
        baselined = "" if not summary.baselined else " (the baseline accepts every problem found)"
        text = headline.inconclusive(summary) + baselined
    else:
        word, role = "Passed", "pass"
        shown = [plural(summary.shown(s), s.value) for s in Severity if summary.shown(s)]
        text = (f"no problem at or above --fail-on {fail_on}" if fail_on != "never" else "--fail-on never")
        text += f" ({', '.join(shown)} shown above)" if shown else ""
    return f"{palette.paint(word, role)}: {console_line(text)}. Exit code {code}: {meaning}."
