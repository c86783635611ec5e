"""Link verdicts as fixes read them: from this run's results or from a previous report (--from-report, read
by the command line through the report codec).

Kept small and apart: the link stage's model may change; only this module reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..models import ArchivedCopy, LinkEntry, LinkKind, LinkStatus
from ..urls import host_of, normalise, registrable_domain
from .model import Safety

# Kinds whose URL can be replaced: an AMP cache URL is derived from ampWebUrl (fixed with it), an embed's
# URL sits inside featuredContent's HTML, and an archived copy of an AMP page is no AMP page.
_REDIRECT_KINDS = frozenset({LinkKind.PAGE, LinkKind.AMP, LinkKind.IMAGE})
_ARCHIVE_KINDS = frozenset({LinkKind.PAGE, LinkKind.IMAGE})


@dataclass(frozen=True, slots=True)
class LinkVerdict:
    url: str
    kind: LinkKind
    status: LinkStatus
    final_url: str | None
    archived: ArchivedCopy | None

    @property
    def rule(self) -> str:
        return self.status.rule_id


@dataclass(frozen=True, slots=True)
class Replacement:
    url: str
    safety: Safety
    title: str


def by_occurrence(entries: Iterable[LinkEntry]) -> dict[str, dict[str, LinkVerdict]]:
    """file → pointer → the verdict on the URL standing there (only verdicts a fix can act on)."""
    found: dict[str, dict[str, LinkVerdict]] = {}
    for entry in entries:
        result = entry.result
        if result is None:
            continue
        for occurrence in entry.occurrences:  # each occurrence by the verdict of the kind it uses the URL as
            kind, status = (borne := entry.verdict_at(occurrence)).kind, borne.status
            if status in (LinkStatus.REDIRECTED, LinkStatus.DEAD, LinkStatus.SOFT_DEAD):
                verdict = LinkVerdict(entry.url, kind, status, result.final_url, entry.archived)
                found.setdefault(occurrence.file, {})[occurrence.pointer] = verdict
    return found


def replacement(verdict: LinkVerdict, written: str) -> Replacement | None:
    """What the URL written at an occurrence should become, or None (no fix, or a stale verdict)."""
    if normalise(written) != normalise(verdict.url):
        return None  # the file changed since the verdict: it is about another URL
    if verdict.status is LinkStatus.REDIRECTED and verdict.final_url and verdict.kind in _REDIRECT_KINDS:
        final = _keep_fragment(written.strip(), verdict.final_url)
        if not final.lower().startswith(("http://", "https://")):
            return None
        same_site = _site(written) == _site(final) and _site(final) is not None
        if same_site:
            return Replacement(final, Safety.SAFE, f"update the permanently redirected URL to {final}")
        return Replacement(final, Safety.UNSAFE,
                           f"update the URL to where it redirects on another site ({host_of(final)}): check "
                           "that it is the same article, not a parked or sold domain")
    if verdict.status in (LinkStatus.DEAD, LinkStatus.SOFT_DEAD) and verdict.archived is not None \
            and verdict.kind in _ARCHIVE_KINDS:
        return Replacement(verdict.archived.url, Safety.UNSAFE,
                           f"replace the {verdict.status} link by its archived copy of {verdict.archived.timestamp}")
    return None


def _site(url: str) -> str | None:
    host = host_of(url.strip())
    return registrable_domain(host) if host else None


def _keep_fragment(old: str, final: str) -> str:
    """A redirect keeps the fragment of the URL it came from when its target names none (RFC 9110 §10.2.2)."""
    fragment = old.partition("#")[2]
    return f"{final}#{fragment}" if fragment and "#" not in final else final
