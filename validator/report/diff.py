"""What changed between two JSON reports: links that broke or recovered, findings new or fixed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

BROKEN = frozenset({"dead", "soft-dead", "mismatch"})


@dataclass(frozen=True, slots=True)
class LinkChange:
    url: str
    before: str | None
    after: str
    reason: str


@dataclass(slots=True)
class ReportDiff:
    became_broken: list[LinkChange] = field(default_factory=list)
    recovered: list[LinkChange] = field(default_factory=list)
    new_findings: list[Mapping[str, Any]] = field(default_factory=list)
    fixed_findings: list[Mapping[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.became_broken or self.recovered or self.new_findings or self.fixed_findings)


def _finding_key(item: Mapping[str, Any]) -> tuple[str, str, str]:
    # Not the line (it drifts) nor the message (some name the time of the run).
    return (str(item.get("file")), str(item.get("pointer")), str(item.get("rule")))


def diff_reports(old: Mapping[str, Any], new: Mapping[str, Any]) -> ReportDiff:
    result = ReportDiff()
    before = {link["url"]: link for link in old.get("links", [])}
    for link in new.get("links", []):
        previous = before.get(link["url"])
        was = previous["status"] if previous else None
        now = link["status"]
        if now in BROKEN and was not in BROKEN:
            result.became_broken.append(LinkChange(link["url"], was, now, link.get("reason", "")))
        elif was in BROKEN and now not in BROKEN and now != "skipped":
            result.recovered.append(LinkChange(link["url"], was, now, link.get("reason", "")))
    old_findings = {_finding_key(v): v for v in old.get("violations", [])}
    new_findings = {_finding_key(v): v for v in new.get("violations", [])}
    result.new_findings = [v for k, v in sorted(new_findings.items()) if k not in old_findings]
    result.fixed_findings = [v for k, v in sorted(old_findings.items()) if k not in new_findings]
    return result


def render_markdown(diff: ReportDiff, *, heading: str = "## Since the previous run") -> Iterator[str]:
    yield f"{heading}\n\n"
    if diff.empty:
        yield "Nothing changed.\n\n"
        return
    sections = (
        ("Links that broke", [f"`{c.after}` {c.url} (was {c.before or 'not checked'}): {c.reason}"
                              for c in diff.became_broken]),
        ("Links that recovered", [f"`{c.after}` {c.url} (was {c.before})" for c in diff.recovered]),
        ("New findings", [_finding_line(v) for v in diff.new_findings]),
        ("Fixed findings", [_finding_line(v) for v in diff.fixed_findings]),
    )
    for title, lines in sections:
        if lines:
            yield f"### {title} ({len(lines)})\n\n" + "".join(f"- {_inline(line)}\n" for line in lines) + "\n"


def _finding_line(item: Mapping[str, Any]) -> str:
    where = f"{item.get('file')}:{item.get('line')}" if item.get("line") else str(item.get("file"))
    return f"{where} `{item.get('rule')}` {item.get('pointer') or '/'}: {item.get('message')}"


def _inline(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")
