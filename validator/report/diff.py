"""What changed between two runs: links that broke or recovered, findings new or fixed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..models import Finding, LinkKind, LinkResult, LinkStatus, RunResult
from ..problems import Key, key_of
from .escape import markdown_code
from .escape import markdown_text as _text


@dataclass(frozen=True, slots=True)
class LinkChange:
    url: str
    before: LinkStatus | None  # None: not checked in the earlier run
    after: LinkStatus
    reason: str
    kind: LinkKind | None = None  # a URL used as several kinds: the kind whose verdict changed


@dataclass(slots=True)
class ReportDiff:
    became_broken: list[LinkChange] = field(default_factory=list)
    recovered: list[LinkChange] = field(default_factory=list)
    new_findings: list[Finding] = field(default_factory=list)
    fixed_findings: list[Finding] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.became_broken or self.recovered or self.new_findings or self.fixed_findings)


def diff_results(old: RunResult, new: RunResult) -> ReportDiff:
    """Links are matched by their normalised URL and kind (a URL used as several kinds changes per kind: its
    page can break while its image stays broken), findings by their baseline key (not line nor message)."""
    result = ReportDiff()
    for key, entry in sorted(new.links.items(), key=lambda item: item[1].url):
        if entry.result is None:
            continue
        previous = old.links.get(key)
        several = len(entry.result.per_kind()) > 1
        for verdict in entry.result.per_kind():
            was = _was(previous.result if previous is not None else None, verdict.kind)
            now = verdict.status
            change = LinkChange(entry.url, was, now, verdict.reason, verdict.kind if several else None)
            if now.is_broken and not (was is not None and was.is_broken):
                result.became_broken.append(change)
            elif was is not None and was.is_broken and not now.is_broken and now.is_checked:
                result.recovered.append(change)
    old_findings, new_findings = _by_key(old), _by_key(new)
    result.new_findings = [f for k, f in sorted(new_findings.items()) if k not in old_findings]
    result.fixed_findings = [f for k, f in sorted(old_findings.items()) if k not in new_findings]
    return result


def _was(previous: LinkResult | None, kind: LinkKind) -> LinkStatus | None:
    """The earlier run's verdict on the URL as that kind; None when it was not checked as that kind (a URL
    checked as one kind only: its verdict, whichever kind the field now uses it as)."""
    if previous is None:
        return None
    verdicts = previous.per_kind()
    if len(verdicts) == 1:
        return verdicts[0].status
    return next((v.status for v in verdicts if v.kind is kind), None)


def _by_key(result: RunResult) -> dict[Key, Finding]:
    return {key_of(finding): finding for finding in result.sorted_findings()}


def render_markdown(diff: ReportDiff, *, heading: str = "## Since the previous run") -> Iterator[str]:
    yield f"{heading}\n\n"
    if diff.empty:
        yield "Nothing changed.\n\n"
        return
    sections = (
        ("Links that broke", [f"{markdown_code(c.after.value)} {_text(c.url)}{_as(c)} "
                              f"(was {c.before or 'not checked'}): {_text(c.reason)}" for c in diff.became_broken]),
        ("Links that recovered", [f"{markdown_code(c.after.value)} {_text(c.url)}{_as(c)} (was {c.before})"
                                  for c in diff.recovered]),
        ("New findings", [_finding_line(f) for f in diff.new_findings]),
        ("Fixed findings", [_finding_line(f) for f in diff.fixed_findings]),
    )
    for title, lines in sections:
        if lines:
            yield f"### {title} ({len(lines)})\n\n" + "".join(f"- {line}\n" for line in lines) + "\n"


def _as(change: LinkChange) -> str:
    return f" as {change.kind}" if change.kind is not None else ""


def _finding_line(finding: Finding) -> str:
    where = f"{finding.file}:{finding.line}" if finding.line else finding.file
    return f"{_text(where)} {markdown_code(finding.rule)} {_text(finding.pointer or '/')}: {_text(finding.message)}"
