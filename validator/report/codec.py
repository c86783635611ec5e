"""report.json ⇄ RunResult: the one module that knows the JSON report's layout.

The layout is the contract in docs/report-contract.md, checked by schemas/report.schema.json. The JSON
writer, `merge`, `diff` and `check --previous` all go through here. Writing streams: violations, links
and files are written one at a time, never as one string. What a report does not hold is what only the
check stage needs (a link's canonical candidates and declared image size).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..errors import UsageError
from ..fix.model import FixReport, Mode
from ..hrefs import plain_http_url
from ..jsonfile import DEFAULT_MAX_BYTES, read_json_object, schema_problem
from ..models import (
    ArchivedCopy,
    Finding,
    KindVerdict,
    LinkEntry,
    LinkKind,
    LinkResult,
    LinkStatus,
    Occurrence,
    RunResult,
    Severity,
)
from ..problems import LINK_WARNING_RULE, Mark, Problem, accepted_keys, baselined_marks, entry_of, fixed, key_from_entry
from ..problems import problems as problems_of
from ..urls import normalise
from .context import ReportInput
from .fields import (
    DocumentError,
    as_mapping,
    boolean,
    integer,
    items,
    mapping,
    optional_integer,
    optional_text,
    text,
    texts,
)
from .fixes import archived_json, fixes_json, mark
from .summary import Summary

FORMAT_VERSION = 1
SCHEMA = "report.schema.json"  # in schemas/
_E = TypeVar("_E", Severity, LinkKind, LinkStatus)
Marks = frozenset[Mark] | None  # with a baseline: the marks of the problems it accepts; None: no baseline


def render(report: ReportInput) -> Iterator[str]:
    """The `json` format of the report registry."""
    return to_document(report.result, report.problems, report.summary, report.fixes)


def to_document(result: RunResult, problems: Sequence[Problem] | None = None, summary: Summary | None = None,
                fixes: FixReport | None = None) -> Iterator[str]:
    """report.json as text chunks. `problems` and `summary` are the run's (computed here when not given).

    What fixing did (the `fixes` object, `fix` marks) is written when fixes were applied or diffed: a plain
    check's report holds verdicts only, so shard reports still merge into exactly the unsharded one.
    """
    found = list(problems) if problems is not None else problems_of(result)
    counts = summary if summary is not None else Summary.of(result, found)
    marks = baselined_marks(found) if result.baseline_keys is not None else None
    fixed_by = fixes if fixes is not None and fixes.mode is not Mode.CHECK else None
    document = head(result, found, counts)
    if fixed_by is not None:
        document["fixes"] = fixes_json(fixed_by, sum(not p.baselined for p in found))
    yield json.dumps(document, indent=2, ensure_ascii=False)[:-2]  # reopen the object: '\n}' dropped
    yield from _array("violations", (violation(f, marks, fixed_by) for f in result.sorted_findings()))
    yield from _array("links", (link(e, marks, fixed_by) for e in result.sorted_links() if e.result is not None))
    yield from _array("files", files(result))
    yield "\n}\n"


def head(result: RunResult, problems: Sequence[Problem], summary: Summary) -> dict[str, Any]:
    """Everything before the violations: format, tool, run, summary and (with a baseline) baseline."""
    document: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "seed-validator", "version": result.tool_version},
        "run": {
            "started_at": result.started_at, "finished_at": result.finished_at,
            "complete": result.complete, "inconclusive": result.inconclusive,
            "links_checked": result.links_checked, "options": result.options, "notes": result.notes,
            "interrupted": result.interrupted,
            **({"shard": {"index": result.shard[0], "total": result.shard[1]}} if result.shard else {}),
        },
        "summary": {
            "files": summary.files, "records": summary.records, "links": summary.links,
            "violations": {severity.value: summary.findings[severity] for severity in Severity},
            "links_by_status": {status.value: summary.links_by_status[status] for status in LinkStatus},
            **summary.document(),
        },
    }
    if result.baseline_keys is not None:
        accepted = sum(p.baselined for p in problems)
        document["baseline"] = {
            "file": result.baseline_file, "new": len(problems) - accepted, "baselined": accepted,
            "fixed": [entry_of(k) for k in fixed(result.baseline_keys, problems, result.checked_files)],
        }
    return document


def violation(finding: Finding, marks: Marks = None, fixes: FixReport | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "file": finding.file, "line": finding.line, "column": finding.column, "pointer": finding.pointer,
        "rule": finding.rule, "severity": finding.severity.value, "message": finding.message}
    if marks is not None:
        item["baselined"] = (finding.rule, "", finding) in marks
    if (fix := mark(fixes, finding.file, finding.pointer, finding.rule)) is not None:
        item["fix"] = fix
    return item


def link(entry: LinkEntry, marks: Marks = None, fixes: FixReport | None = None) -> dict[str, Any]:
    outcome = entry.result
    assert outcome is not None, "only checked links are written"
    accepted = marks or frozenset()
    occurrences: list[dict[str, Any]] = []
    for o in sorted(entry.occurrences, key=lambda o: (o.file, o.line or 0, o.pointer)):
        verdict = entry.verdict_at(o)
        occurrence: dict[str, Any] = {"file": o.file, "pointer": o.pointer, "line": o.line, "column": o.column,
                                      "kind": verdict.kind.value}
        if marks is not None:  # with a baseline: the marks this occurrence carries, by its kind's verdict
            if verdict.status.severity is not None:
                occurrence["baselined"] = (verdict.status.rule_id, entry.url, o) in accepted
            if verdict.warnings:
                occurrence["warnings_baselined"] = (LINK_WARNING_RULE, entry.url, o) in accepted
        if (fix := mark(fixes, o.file, o.pointer, verdict.status.rule_id)) is not None:
            occurrence["fix"] = fix
        occurrences.append(occurrence)
    archived = {"archived": archived_json(entry.archived)} if entry.archived is not None else {}
    return {
        "url": entry.url, "kind": outcome.kind.value, "status": outcome.status.value,
        "http_status": outcome.http_status, "final_url": outcome.final_url,
        "redirects": list(outcome.redirects), "reason": outcome.reason, "warnings": list(outcome.warnings),
        "kinds": [{"kind": v.kind.value, "status": v.status.value, "reason": v.reason, "warnings": list(v.warnings)}
                  for v in outcome.per_kind()],
        "attempts": outcome.attempts, "elapsed_ms": outcome.elapsed_ms, "checked_at": outcome.checked_at,
        "from_cache": outcome.from_cache, **archived, "occurrences": occurrences,
    }


def files(result: RunResult) -> Iterator[dict[str, Any]]:
    """The seed files the report speaks of: those checked, and (on a shard) others whose links it checked."""
    checked = set(result.checked_files)
    for file in sorted(checked | result.published_years.keys()):
        yield {"file": file, "checked": file in checked, "published_year": result.published_years.get(file)}


def _array(name: str, values: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield f',\n  "{name}": ['
    for index, value in enumerate(values):
        yield ("," if index else "") + "\n    " + json.dumps(value, ensure_ascii=False)
    yield "\n  ]"


def load(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RunResult:
    """The report.json at path as a RunResult, checked (size, nesting, schemas/report.schema.json) before it
    is read; UsageError naming the file and its first problem when it is not one."""
    name = str(path)
    document = read_json_object(path, "report", UsageError, max_bytes=max_bytes, size_option="--max-report-size")
    _check_version(document, name)
    problem = schema_problem(document, SCHEMA)
    if problem is not None:
        raise UsageError(f"{name} is not a seed-validator JSON report: {problem}")
    return from_document(document, name=name)


def from_document(document: Mapping[str, Any], *, name: str = "the report") -> RunResult:
    """The RunResult a report.json document holds; UsageError naming what is wrong when it is not one.

    The baseline comes back as the entries that bear on this run (those its `baselined` marks show, and the
    fixed ones): all any report reads.
    """
    _check_version(document, name)
    try:
        return _decode(document)
    except DocumentError as exc:
        raise UsageError(f"{name} is not a seed-validator JSON report: {exc}") from exc


def _check_version(document: Mapping[str, Any], name: str) -> None:
    if document.get("format_version") != FORMAT_VERSION:
        raise UsageError(f"{name} is not a seed-validator JSON report (format_version {FORMAT_VERSION})")


def _decode(document: Mapping[str, Any]) -> RunResult:
    run, summary = mapping(document, "run", ""), mapping(document, "summary", "")
    shard = run.get("shard")
    result = RunResult(
        tool_version=text(mapping(document, "tool", ""), "version", "tool"),
        started_at=text(run, "started_at", "run"), finished_at=text(run, "finished_at", "run"),
        complete=boolean(run, "complete", "run"), inconclusive=boolean(run, "inconclusive", "run"),
        options=dict(mapping(run, "options", "run")),
        files=integer(summary, "files", "summary"), records=integer(summary, "records", "summary"),
        shard=None if shard is None else (integer(shard, "index", "run.shard"), integer(shard, "total", "run.shard")),
        interrupted=boolean(run, "interrupted", "run", default=False),
        notes=texts(run, "notes", "run", default=[]),
    )
    marks: set[Mark] = set()
    for where, item in items(document, "violations"):
        finding = _finding(item, where)
        result.findings.append(finding)
        if boolean(item, "baselined", where, default=False):
            marks.add((finding.rule, "", finding))
    for where, item in items(document, "links"):
        entry = _link(item, where, marks)
        result.links[normalise(entry.url)] = entry
    for where, item in items(document, "files", default=[]):
        file = text(item, "file", where)
        if boolean(item, "checked", where):
            result.checked_files.append(file)
        year = optional_integer(item, "published_year", where)
        if year is not None:
            result.published_years[file] = year
    if "baseline" in document:
        baseline = mapping(document, "baseline", "")
        result.baseline_file = optional_text(baseline, "file", "baseline")
        gone = frozenset(_key(item, where) for where, item in items(baseline, "fixed", "baseline"))
        result.baseline_keys = accepted_keys(result, frozenset(marks)) | gone
    return result


def _finding(item: Any, where: str) -> Finding:
    return Finding(text(item, "file", where), optional_integer(item, "line", where),
                   optional_integer(item, "column", where), text(item, "pointer", where), text(item, "rule", where),
                   _enum(Severity, text(item, "severity", where), where), text(item, "message", where))


def _link(item: Any, where: str, marks: set[Mark]) -> LinkEntry:
    url = text(item, "url", where)
    kind = _enum(LinkKind, text(item, "kind", where), where)
    status = _enum(LinkStatus, text(item, "status", where), where)
    reason, warnings = text(item, "reason", where), tuple(texts(item, "warnings", where, default=[]))
    verdicts = tuple(_kind_verdict(v, at) for at, v in items(item, "kinds", where, default=[]))
    if len(verdicts) == 1 and verdicts[0] == KindVerdict(kind, status, reason, warnings):
        verdicts = ()  # one kind: its verdict is the link's own
    entry = LinkEntry(url, kind)
    entry.result = LinkResult(
        url=url, kind=kind, status=status,
        reason=reason, http_status=optional_integer(item, "http_status", where),
        final_url=optional_text(item, "final_url", where), redirects=tuple(texts(item, "redirects", where)),
        attempts=integer(item, "attempts", where), elapsed_ms=integer(item, "elapsed_ms", where),
        checked_at=text(item, "checked_at", where), from_cache=boolean(item, "from_cache", where),
        warnings=warnings, kinds=verdicts)
    if (contradiction := entry.result.contradiction()) is not None:  # a report from elsewhere is not trusted
        raise DocumentError(f"{where}: {contradiction}")
    for at, o in items(item, "occurrences", where):
        used_as = _enum(LinkKind, text(o, "kind", at), at) if "kind" in as_mapping(o, at) else kind
        occurrence = Occurrence(text(o, "file", at), text(o, "pointer", at), optional_integer(o, "line", at),
                                optional_integer(o, "column", at, default=None), kind=used_as)
        entry.occurrences.append(occurrence)
        if boolean(o, "baselined", at, default=False):
            marks.add((entry.result.verdict_for(used_as).status.rule_id, url, occurrence))
        if boolean(o, "warnings_baselined", at, default=False):
            marks.add((LINK_WARNING_RULE, url, occurrence))
    entry.archived = _archived(item.get("archived"))
    return entry


def _kind_verdict(item: Any, where: str) -> KindVerdict:
    return KindVerdict(_enum(LinkKind, text(item, "kind", where), where),
                       _enum(LinkStatus, text(item, "status", where), where), text(item, "reason", where),
                       tuple(texts(item, "warnings", where, default=[])))


def _archived(item: Any) -> ArchivedCopy | None:
    """A snapshot from a report is a suggestion only when it is a URL a report can link to as it is: a report
    from elsewhere is not trusted (anything else there is no suggestion, not an error)."""
    url, stamp = (item.get("url"), item.get("timestamp")) if isinstance(item, Mapping) else (None, None)
    if isinstance(url, str) and isinstance(stamp, str) and plain_http_url(url):
        return ArchivedCopy(url, stamp)
    return None


def _enum(kind: type[_E], value: str, where: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        raise DocumentError(f"{where}: {value!r} is not a {kind.__name__}") from None


def _key(item: Any, where: str) -> tuple[str, str, str, str]:
    try:
        return key_from_entry(as_mapping(item, where))
    except (KeyError, TypeError) as exc:
        raise DocumentError(f"{where}: not a baseline entry ({exc})") from None
