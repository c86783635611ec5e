"""Archived copies of dead links: a web archive's availability API (the Wayback Machine's by default),
asked for the snapshot closest to each record's publishedDateTime.

Polite: one request in flight, spaced by the endpoint host's host-interval, each bounded by
archive-timeout; the first failure stops the asking for the run. Through the address guard, like every
link. Answers are kept in the link cache. A missing answer only means no suggestion: verdicts never change.
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

import httpx

from ..clock import Clock, utc_now
from ..config import Settings
from ..load import load_file
from ..models import ArchivedCopy, LinkEntry, LinkKind, LinkStatus
from ..urls import normalise, plain_http_url
from .cache import LinkCache
from .client import Connections, Getter
from .guard import AddressPolicy, GuardedBackend

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


def suggest_archived(entries: Iterable[LinkEntry], settings: Settings, *,
                     transport: httpx.AsyncBaseTransport | None = None, clock: Clock = utc_now) -> list[str]:
    """Set entry.archived on the dead and soft-dead page and image links the archive has a snapshot of;
    the notes say what could not be asked."""
    wanted = [e for e in entries if e.result is not None and e.result.status in _WANTED and e.kind in _KINDS]
    if not wanted:
        return []
    dates = published_dates(wanted, max_bytes=settings.max_file_size)
    queries = {id(entry): Query(entry.url, dates.get(id(entry), "")) for entry in wanted}
    asker = _Asker(settings, transport, clock)
    try:
        asyncio.run(asker.ask_all(wanted, queries))
    finally:
        asker.close()
    return asker.notes


def published_dates(entries: Iterable[LinkEntry], *, max_bytes: int) -> dict[int, str]:
    """id(entry) → the Wayback timestamp of the earliest publishedDateTime among the articles that cite it
    (a related item's own date for its links)."""
    records: dict[str, Mapping[str, Any] | None] = {}
    found: dict[int, str] = {}
    for entry in entries:
        stamps = []
        for occurrence in entry.occurrences:
            if occurrence.file not in records:
                records[occurrence.file] = load_file(Path(occurrence.file), max_bytes=max_bytes,
                                                     file=occurrence.file).record
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


class _Asker:
    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None, clock: Clock) -> None:
        links, cache = settings.links, settings.cache
        self.endpoint = links.archive_endpoint
        self.host = (urlsplit(self.endpoint).hostname or "").lower()
        override = links.hosts.get(self.host)
        self.timeout = override.timeout if override and override.timeout else links.archive_timeout
        self.interval = override.host_interval if override and override.host_interval else 0.0
        self.max_age_found, self.max_age_none = cache.max_age_good, cache.max_age_bad
        self.notes: list[str] = []
        self.connections = Connections(
            GuardedBackend(AddressPolicy.from_settings(links.allow_private, links.allow_networks),
                           dns_timeout=links.connect_timeout),
            user_agent=links.user_agent, timeout=self.timeout, connect_timeout=min(links.connect_timeout,
                                                                                   self.timeout),
            shared=transport)
        self.cache = LinkCache(cache.path, max_age_good=cache.max_age_good, max_age_bad=cache.max_age_bad,
                               now=lambda: clock().timestamp()) if cache.enabled else None

    async def ask_all(self, entries: list[LinkEntry], queries: Mapping[int, Query]) -> None:
        getter = self.connections.getter()
        asked = 0
        try:
            for done, entry in enumerate(entries):
                query = queries[id(entry)]
                key = f"{self.endpoint} {normalise(query.url)} {query.timestamp}"
                cached = self._cached(key)
                if cached is not None:
                    entry.archived = cached[0]
                    continue
                if asked and self.interval:
                    await asyncio.sleep(self.interval)
                asked += 1
                try:
                    entry.archived = await self._ask(getter, query)
                except ArchiveUnavailable as exc:
                    self.notes.append(f"the web archive ({self.host}) could not be asked: {exc}; no archived copy "
                                      f"is suggested for {len(entries) - done} dead link(s) this run")
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
        except (ValueError, TypeError, KeyError):
            return None  # written by another version: ask again
        return (copy,) if age <= (self.max_age_found if copy else self.max_age_none) else None

    async def _ask(self, getter: Getter, query: Query) -> ArchivedCopy | None:
        address = query_url(self.endpoint, query)
        try:
            async with asyncio.timeout(self.timeout):
                response = await getter.get(address)
                try:
                    if response.status_code != 200:
                        where = response.headers.get("location")
                        raise ArchiveUnavailable(f"HTTP {response.status_code}" + (
                            f" (to {where}: set archive-endpoint to where it leads)" if where else ""))
                    body = await _read_bounded(response)
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            raise ArchiveUnavailable(f"no answer within {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise ArchiveUnavailable(str(exc) or type(exc).__name__) from exc
        try:
            return snapshot_from(json.loads(body))
        except (ValueError, RecursionError) as exc:  # deep nesting exhausts the parser's recursion
            raise ArchiveUnavailable("the answer is not JSON") from exc

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()
            self.notes.extend(self.cache.notes)


async def _read_bounded(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise ArchiveUnavailable(f"the answer is larger than {MAX_ANSWER_BYTES // 1024} KB")
    return b"".join(chunks)


def _stored(copy: ArchivedCopy | None) -> dict[str, str] | None:
    return None if copy is None else {"url": copy.url, "timestamp": copy.timestamp}
