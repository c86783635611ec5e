"""Archived copies of dead links: a web archive's availability API (the Wayback Machine's by default),
asked for the snapshot closest to each record's publishedDateTime. HttpChecker asks it after the verdict
post-pass, in the same run (runner.py).

Polite: one request in flight, through the run's politeness for the endpoint's host (its host-interval and
per-host limit), each bounded by archive-timeout (or the host's own timeout); the first failure stops the
asking for the run. Through the address guard and the bounded reading of every link (fetch.py). Answers are
kept in the link cache. A missing answer only means no suggestion: verdicts never change.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from ..config import Settings
from ..hrefs import plain_http_url
from ..load import load_file
from ..models import ArchivedCopy, LinkEntry, LinkKind, LinkStatus
from ..tree import Tree
from ..urls import normalise
from .attempt import Failure
from .cache import LinkCache
from .client import Connections, Getter, Transport
from .fetch import fetch
from .guard import AddressPolicy, GuardedBackend
from .politeness import Politeness

MAX_ANSWER_BYTES = 64 * 1024
_WANTED = frozenset({LinkStatus.DEAD, LinkStatus.SOFT_DEAD})
_KINDS = frozenset({LinkKind.PAGE, LinkKind.IMAGE})
_TIMESTAMP = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})")
_RELATED = re.compile(r"^/related/(\d+)(?:/|$)")


class ArchiveUnavailable(Exception):
    """The archive did not answer usefully: no more questions this run."""


@dataclass(frozen=True, slots=True)
class Query:
    url: str
    timestamp: str  # YYYYMMDDhhmmss closest to which a snapshot is wanted, or '' (the latest)


def query_url(endpoint: str, query: Query) -> str:
    params = {"url": query.url, **({"timestamp": query.timestamp} if query.timestamp else {})}
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


def snapshot_from(answer: Any) -> ArchivedCopy | None:
    """The snapshot an availability-API answer offers, if it is one a report can safely link to."""
    snapshots = answer.get("archived_snapshots") if isinstance(answer, dict) else None
    closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(closest, dict) or closest.get("available") is not True:
        return None
    url, stamp = closest.get("url"), closest.get("timestamp")
    if not str(closest.get("status", "200")).startswith("2") or not isinstance(url, str) or \
            not isinstance(stamp, str):
        return None
    url = url.replace("(", "%28").replace(")", "%29")  # same URL; a Markdown link can hold it
    if url.startswith("http://web.archive.org/"):
        url = "https://" + url.removeprefix("http://")  # the Wayback Machine answers with http:// links
    moment = _TIMESTAMP.fullmatch(stamp)
    if not plain_http_url(url) or moment is None:  # it goes into Markdown and HTML reports
        return None
    year, month, day, hour, minute, second = moment.groups()
    return ArchivedCopy(url, f"{year}-{month}-{day}T{hour}:{minute}:{second}Z")


def wayback_timestamp(published: object) -> str:
    """'2021-04-09T11:00:00Z' → '20210409110000' (UTC); '' when it is not an RFC 3339 date-time."""
    if not isinstance(published, str):
        return ""
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y%m%d%H%M%S")


def published_dates(entries: Iterable[LinkEntry], *, max_bytes: int, tree: Tree) -> dict[int, str]:
    """id(entry) → the Wayback timestamp of the earliest publishedDateTime among the articles that cite it
    (a related item's own date for its links). The seed files are read as the run reads them: inside the
    tree, bounded."""
    records: dict[str, Mapping[str, Any] | None] = {}
    found: dict[int, str] = {}
    for entry in entries:
        stamps = []
        for occurrence in entry.occurrences:
            if occurrence.file not in records:
                records[occurrence.file] = load_file(Path(occurrence.file), max_bytes=max_bytes,
                                                     file=occurrence.file, tree=tree).record
            stamp = wayback_timestamp(_article(records[occurrence.file], occurrence.pointer).get("publishedDateTime"))
            if stamp:
                stamps.append(stamp)
        if stamps:
            found[id(entry)] = min(stamps)
    return found


def _article(record: Mapping[str, Any] | None, pointer: str) -> Mapping[str, Any]:
    if record is None:
        return {}
    related = _RELATED.match(pointer)
    if related is None:
        return record
    items = record.get("related")
    index = int(related.group(1))
    item = items[index] if isinstance(items, list) and index < len(items) else None
    return item if isinstance(item, Mapping) else {}


class WebArchive:
    """Asks the archive about a run's dead links (`ask`); `notes` say what could not be asked."""

    def __init__(self, settings: Settings, politeness: Politeness, *, transport: Transport | None = None,
                 cache: LinkCache | None = None) -> None:
        links = settings.links
        self.endpoint = links.archive_endpoint
        self.host = (urlsplit(self.endpoint).hostname or "").lower()
        override = links.hosts.get(self.host)
        self.timeout = override.timeout if override and override.timeout else links.archive_timeout
        self.max_age_found, self.max_age_none = settings.cache.max_age_good, settings.cache.max_age_bad
        self.max_file_size = settings.max_file_size
        self.tree = Tree.working(follow_symlinks=settings.follow_symlinks)  # seed files: read confined
        self.politeness, self.cache = politeness, cache
        self.notes: list[str] = []
        self.connections = Connections(
            GuardedBackend(AddressPolicy.from_settings(links.allow_private, links.allow_networks),
                           dns_timeout=links.connect_timeout),
            user_agent=links.user_agent, timeout=self.timeout, connect_timeout=min(links.connect_timeout,
                                                                                   self.timeout),
            shared=transport)

    async def ask(self, entries: Iterable[LinkEntry]) -> None:
        """Set entry.archived on the dead and soft-dead page and image links the archive has a snapshot of."""
        wanted = [e for e in entries if e.result is not None and e.result.status in _WANTED and e.kind in _KINDS]
        if not wanted:
            return
        dates = published_dates(wanted, max_bytes=self.max_file_size, tree=self.tree)
        getter = self.connections.getter()
        try:
            for done, entry in enumerate(wanted):
                query = Query(entry.url, dates.get(id(entry), ""))
                key = f"{self.endpoint} {normalise(query.url)} {query.timestamp}"
                cached = self._cached(key)
                if cached is not None:
                    entry.archived = cached[0]
                    continue
                try:
                    entry.archived = await self._ask(getter, query)
                except ArchiveUnavailable as exc:
                    self.notes.append(f"the web archive ({self.host}) could not be asked: {exc}; no archived copy "
                                      f"is suggested for {len(wanted) - done} dead link(s) this run")
                    return
                if self.cache is not None:
                    self.cache.put_archive_answer(key, json.dumps(_stored(entry.archived)))
        finally:
            await getter.aclose()

    def _cached(self, key: str) -> tuple[ArchivedCopy | None] | None:
        stored = self.cache.get_archive_answer(key) if self.cache is not None else None
        if stored is None:
            return None
        data, age = stored
        try:
            value = json.loads(data)
            copy = ArchivedCopy(str(value["url"]), str(value["timestamp"])) if value is not None else None
        except (ValueError, TypeError, KeyError, RecursionError):
            return None  # written by another version: ask again
        if copy is not None and not plain_http_url(copy.url):
            return None  # the cache file comes from outside the run: it is not trusted
        return (copy,) if age <= (self.max_age_found if copy else self.max_age_none) else None

    async def _ask(self, getter: Getter, query: Query) -> ArchivedCopy | None:
        try:
            async with self.politeness.request(self.host), asyncio.timeout(self.timeout):
                fetched = await fetch(getter, query_url(self.endpoint, query), max_redirects=0,
                                      max_body=MAX_ANSWER_BYTES)
        except TimeoutError as exc:
            raise ArchiveUnavailable(f"no answer within {self.timeout:g} s") from exc
        if fetched.hops and fetched.failure in (Failure.TOO_MANY_REDIRECTS, Failure.REDIRECT_LOOP):
            raise ArchiveUnavailable(f"HTTP {fetched.hops[-1].status} (to {fetched.final_url}: set "
                                     "archive-endpoint to where it leads)")
        if fetched.failure is not None:
            raise ArchiveUnavailable(fetched.detail or fetched.failure.value)
        if fetched.status != 200:
            raise ArchiveUnavailable(f"HTTP {fetched.status}")
        if fetched.body_truncated:
            raise ArchiveUnavailable(f"the answer is larger than {MAX_ANSWER_BYTES // 1024} KB")
        try:
            return snapshot_from(json.loads(fetched.body))
        except (ValueError, RecursionError) as exc:  # deep nesting exhausts the parser's recursion
            raise ArchiveUnavailable("the answer is not JSON") from exc


def _stored(copy: ArchivedCopy | None) -> dict[str, str] | None:
    return None if copy is None else {"url": copy.url, "timestamp": copy.timestamp}
