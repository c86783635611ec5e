"""The concurrent stage: schedules every distinct URL politely, retries, caches, and records verdicts."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import random
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from ..clock import Clock, rfc3339
from ..config import Settings
from ..interrupt import Interruption
from ..models import LinkEntry, LinkKind, LinkResult, LinkStatus, Progress, RunResult
from ..urls import normalise
from .cache import LinkCache
from .classify import Expectation, HostProbe, Retry, Verdict, classify, retry_after_seconds, retry_policy
from .client import Connections, Getter
from .fetch import CONNECTION_FAILURES, NETWORK_FAILURES, Failure, Fetched, fetch
from .guard import AddressPolicy, GuardedBackend
from .probe import page_facts

Sleep = Callable[[float], Awaitable[None]]
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
_DNS_FAILURES = frozenset({Failure.DNS_NXDOMAIN, Failure.DNS_ERROR})


@dataclass(slots=True)
class _Host:
    name: str
    per_host: int
    interval: float
    timeout: float
    next_start: float = 0.0
    failures_in_a_row: int = 0
    last_failure: str = ""
    connected: bool = False
    dns_failed: bool = False
    network_failed: bool = False  # DNS or routing failed: the machine may be offline
    attempted: bool = False
    probe: asyncio.Future[HostProbe | None] | None = None
    queue: deque[LinkEntry] = field(default_factory=deque)


def check_links(result: RunResult, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None,
                clock: Clock, progress: Callable[[Progress], None] | None = None,
                sleep: Sleep = asyncio.sleep, rng: random.Random | None = None,
                interruption: Interruption | None = None) -> None:
    """Give every link entry of result a verdict (fetched or from the cache); mark the run inconclusive
    when the network itself was unavailable."""
    checker = _Checker(settings, transport=transport, clock=clock, progress=progress, sleep=sleep,
                       rng=rng or random.Random(), interruption=interruption)
    try:
        asyncio.run(checker.run(list(result.links.values())))
    finally:
        result.notes.extend(checker.notes)
    result.inconclusive = checker.inconclusive


class _Checker:
    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None,
                 clock: Clock, progress: Callable[[Progress], None] | None, sleep: Sleep,
                 rng: random.Random, interruption: Interruption | None) -> None:
        self.interruption = interruption
        self.links = settings.links
        self.cache_settings = settings.cache
        self.transport = transport
        self.clock = clock
        self.progress = progress
        self.sleep = sleep
        self.rng = rng
        self.notes: list[str] = []
        self.inconclusive = False
        self.include = [re.compile(p) for p in self.links.include]
        self.exclude = [re.compile(p) for p in self.links.exclude]
        self.hosts: dict[str, _Host] = {}
        self.done = 0
        self.broken = 0
        self.total = 0
        self.started = time.monotonic()
        self.dns_dead: list[tuple[str, LinkResult]] = []
        self.internal_errors: set[str] = set()  # our failure, not the link's: never counted as unreachable

    async def run(self, entries: list[LinkEntry]) -> None:
        cache = self._open_cache()
        self.total = len(entries)
        try:
            for entry in entries:
                skip = self._skip_reason(entry.url)
                cached = cache.get(_cache_key(entry)) if cache is not None and skip is None else None
                if skip is not None:
                    entry.result = self._result(entry, Verdict(LinkStatus.SKIPPED, skip), attempts=0, elapsed=0)
                elif cached is not None:
                    entry.result = dataclasses.replace(cached, kind=entry.kind, url=entry.url)
                else:
                    self._host_for(entry).queue.append(entry)
                    continue
                self._tick(entry.result)
            await self._fetch_all(cache)
            self._conclude(entries, cache)
        finally:
            if cache is not None:
                cache.close()
                self.notes.extend(cache.notes)

    def _open_cache(self) -> LinkCache | None:
        if not self.cache_settings.enabled:
            return None
        return LinkCache(self.cache_settings.path, max_age_good=self.cache_settings.max_age_good,
                         max_age_bad=self.cache_settings.max_age_bad, now=lambda: self.clock().timestamp())

    def _skip_reason(self, url: str) -> str | None:
        if not url.lower().startswith(("http://", "https://")):
            return "not an http(s) URL"
        try:
            if not urlsplit(url).hostname:
                return "the URL has no host"
        except ValueError as exc:
            return f"not a valid URL ({exc})"
        if self.include and not any(p.search(url) for p in self.include):
            return "not matched by the include patterns"
        for pattern in self.exclude:
            if pattern.search(url):
                return f"excluded by pattern {pattern.pattern!r}"
        return None

    def _host_for(self, entry: LinkEntry) -> _Host:
        name = (urlsplit(entry.url).hostname or "").lower()
        host = self.hosts.get(name)
        if host is None:
            override = self.links.hosts.get(name)
            host = self.hosts[name] = _Host(
                name,
                per_host=(override.per_host if override and override.per_host else self.links.per_host),
                interval=(override.host_interval if override and override.host_interval is not None
                          else self.links.host_interval),
                timeout=(override.timeout if override and override.timeout else self.links.timeout))
        return host

    async def _fetch_all(self, cache: LinkCache | None) -> None:
        if not self.hosts:
            return
        connections = Connections(
            GuardedBackend(AddressPolicy.from_settings(self.links.allow_private, self.links.allow_networks),
                           dns_timeout=self.links.connect_timeout),
            user_agent=self.links.user_agent, timeout=self.links.timeout, connect_timeout=self.links.connect_timeout,
            shared=self.transport)
        slots = asyncio.Semaphore(self.links.concurrency)
        # The per-host limit is the number of workers a host gets; each works through the host's queue.
        workers = asyncio.gather(*(self._worker(host, connections.getter(), slots, cache)
                                   for host in self.hosts.values()
                                   for _ in range(min(host.per_host, len(host.queue)))))
        if self.interruption is None:
            await workers
            return
        loop = asyncio.get_running_loop()
        unsubscribe = self.interruption.on_request(lambda: _cancel_soon(loop, workers))
        try:
            await workers
        except asyncio.CancelledError:
            if not self.interruption.requested:
                raise
            # Stopped on request: in-flight requests are cancelled; what finished is kept (and cached).
        finally:
            unsubscribe()

    async def _worker(self, host: _Host, client: Getter, slots: asyncio.Semaphore,
                      cache: LinkCache | None) -> None:
        try:
            while host.queue:
                entry = host.queue.popleft()
                async with slots:
                    started = time.monotonic()
                    try:
                        verdict, attempts = await self._check(entry, host, client)
                    except Exception as exc:  # the last line of defence: one URL never stops the run
                        verdict, attempts = Verdict.internal_error(exc), 1
                        self.internal_errors.add(entry.url)
                entry.result = self._result(entry, verdict, attempts, elapsed=time.monotonic() - started)
                # An unknown host is a verdict only once the network is known to be up (see _conclude).
                provisional = verdict.status is LinkStatus.DEAD and host.dns_failed
                if cache is not None:
                    if provisional:
                        self.dns_dead.append((_cache_key(entry), entry.result))
                    else:
                        cache.put(_cache_key(entry), entry.result)
                self._tick(entry.result, count_broken=not provisional)
        finally:
            await client.aclose()

    async def _check(self, entry: LinkEntry, host: _Host, client: Getter) -> tuple[Verdict, int]:
        if host.failures_in_a_row >= self.links.host_failure_limit:
            return Verdict(LinkStatus.ERROR, f"not checked: {host.name} failed {host.failures_in_a_row} connections "
                                             f"in a row (last: {host.last_failure})"), 0
        expect = Expectation(entry.kind, entry.image, frozenset(entry.canonical_candidates),
                             frozenset(self.links.accept))
        attempts = 0
        fetched: Fetched | None = None
        try:
            async with asyncio.timeout(host.timeout):
                deadline = time.monotonic() + host.timeout
                while True:
                    attempts += 1
                    await self._wait_turn(host)
                    fetched = await fetch(client, entry.url, max_redirects=self.links.max_redirects,
                                          max_body=self.links.max_body_bytes, image=entry.kind is LinkKind.IMAGE)
                    self._note_connection(host, fetched)
                    delay = self._retry_delay(fetched, attempts, deadline)
                    if delay is None:
                        break
                    await self.sleep(delay)
                probe = await self._host_probe(host, client, entry, fetched)
        except TimeoutError:
            detail = f" (last attempt: {fetched.detail or f'HTTP {fetched.status}'})" if fetched else ""
            return Verdict(LinkStatus.ERROR, f"no verdict within the {host.timeout:g} s deadline: the server is "
                                             f"slow or hanging{detail}",
                           fetched.status if fetched else None), attempts
        return classify(fetched, expect, attempts=attempts, probe=probe), attempts

    def _retry_delay(self, fetched: Fetched, attempts: int, deadline: float) -> float | None:
        """Seconds to wait before the next attempt, or None when there is to be none."""
        policy = retry_policy(fetched)
        if policy is Retry.NO or attempts > self.links.retries:
            return None
        delay = min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** (attempts - 1)) + self.rng.uniform(0, BACKOFF_BASE)
        if policy is Retry.RETRY_AFTER:
            asked = retry_after_seconds(fetched.headers.get("retry-after"), time.time())
            if asked is not None:
                delay = min(asked, float(self.links.retry_after_cap))
        if time.monotonic() + delay >= deadline:
            return None  # waiting would outlast the URL's deadline: the last answer stands
        return delay

    async def _wait_turn(self, host: _Host) -> None:
        """Spaces request starts on a host by its minimum interval."""
        host.attempted = True
        if host.interval <= 0:
            return
        now = time.monotonic()
        start = max(now, host.next_start)
        host.next_start = start + host.interval
        if start > now:
            await self.sleep(start - now)

    def _note_connection(self, host: _Host, fetched: Fetched) -> None:
        if fetched.connected:
            host.connected = True
            host.failures_in_a_row = 0
        elif fetched.failure in CONNECTION_FAILURES or fetched.failure in NETWORK_FAILURES:
            host.failures_in_a_row += 1
            host.last_failure = fetched.detail
            host.dns_failed = host.dns_failed or fetched.failure in _DNS_FAILURES
            host.network_failed = host.network_failed or fetched.failure in NETWORK_FAILURES

    async def _host_probe(self, host: _Host, client: Getter, entry: LinkEntry,
                          fetched: Fetched) -> HostProbe | None:
        """Once per host: how it answers a sibling path that cannot exist (only needed for pages answering 2xx)."""
        if (not self.links.soft_404_probe or entry.kind not in (LinkKind.PAGE, LinkKind.EMBED)
                or fetched.failure is not None or not 200 <= (fetched.status or 0) < 300):
            return None
        if host.probe is None:
            host.probe = asyncio.ensure_future(self._probe(client, entry.url))
        return await asyncio.shield(host.probe)

    async def _probe(self, client: Getter, url: str) -> HostProbe | None:
        parts = urlsplit(url)
        parent = parts.path.rsplit("/", 1)[0]
        sibling = urlunsplit((parts.scheme, parts.netloc, f"{parent}/seed-validator-{secrets.token_hex(8)}", "", ""))
        seen = await fetch(client, sibling, max_redirects=self.links.max_redirects, max_body=self.links.max_body_bytes)
        if seen.failure is not None:
            return None
        return HostProbe(seen.status, seen.final_url if seen.hops else None, page_facts(seen.body).title)

    def _result(self, entry: LinkEntry, verdict: Verdict, attempts: int, elapsed: float) -> LinkResult:
        return LinkResult(
            url=entry.url, kind=entry.kind, status=verdict.status, reason=verdict.reason,
            http_status=verdict.http_status, final_url=verdict.final_url, redirects=verdict.redirects,
            attempts=attempts, elapsed_ms=round(elapsed * 1000), checked_at=rfc3339(self.clock()),
            warnings=verdict.warnings)

    def _tick(self, result: LinkResult | None, *, count_broken: bool = True) -> None:
        self.done += 1
        if count_broken and result is not None and result.status in (
                LinkStatus.DEAD, LinkStatus.SOFT_DEAD, LinkStatus.MISMATCH):
            self.broken += 1
        if self.progress is not None:
            self.progress(Progress(self.done, self.total, self.broken, time.monotonic() - self.started))

    def _conclude(self, entries: list[LinkEntry], cache: LinkCache | None) -> None:
        """If no host could be reached and every attempted one failed at DNS or routing, the network is
        down: nothing fetched is a verdict, and the run is inconclusive."""
        attempted = [h for h in self.hosts.values() if h.attempted]
        if attempted and not any(h.connected for h in attempted) and all(h.network_failed for h in attempted):
            self.inconclusive = True
            self.notes.append(f"the network looks unavailable: no connection to any of {len(attempted)} host(s), "
                              "DNS or routing failed for all of them; no link was called dead. Check the "
                              "connection (or use --offline) and run again")
            fetched = {h.name for h in attempted}
            for entry in entries:
                result = entry.result
                if (result is not None and not result.from_cache and result.status is LinkStatus.DEAD
                        and (urlsplit(entry.url).hostname or "").lower() in fetched):
                    entry.result = dataclasses.replace(
                        result, status=LinkStatus.ERROR, reason=f"not verified, network unavailable: {result.reason}")
        elif cache is not None:
            for key, result in self.dns_dead:
                cache.put(key, result)
            self._remember_failures(entries, cache)

    def _remember_failures(self, entries: list[LinkEntry], cache: LinkCache) -> None:
        """Flake memory: a one-off timeout stays a warning, a link unreachable run after run becomes dead."""
        now = self.clock()
        for entry in entries:
            result = entry.result
            if (result is None or result.from_cache or result.status is LinkStatus.SKIPPED
                    or entry.url in self.internal_errors):
                continue
            key = _cache_key(entry)
            if result.status is not LinkStatus.ERROR:
                cache.clear_failure(key)
                continue
            first, count = cache.record_failure(key, now.timestamp())
            if count >= self.links.persistent_checks and now.timestamp() - first >= self.links.persistent_days * 86400:
                since = rfc3339(datetime.fromtimestamp(first, UTC))
                entry.result = dataclasses.replace(
                    result, status=LinkStatus.DEAD,
                    reason=f"persistently unreachable since {since} ({count} checks in a row): {result.reason}")


def _cancel_soon(loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any]) -> None:
    """Cancel from a signal handler: it runs between bytecodes, so the loop is told, not touched."""
    loop.call_soon_threadsafe(future.cancel)


def _cache_key(entry: LinkEntry) -> str:
    """Kind, URL identity and what the record expects: the verdict depends on all three."""
    expects = ""
    if entry.image is not None:
        expects = f"{entry.image.width}x{entry.image.height}"
    if entry.canonical_candidates:
        expects += "|" + "|".join(sorted(normalise(c) for c in entry.canonical_candidates))
    digest = hashlib.sha256(expects.encode()).hexdigest()[:16] if expects else "-"
    return f"{entry.kind.value} {normalise(entry.url)} {digest}"

