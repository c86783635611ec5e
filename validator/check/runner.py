"""The concurrent stage: every distinct URL checked once, politely, with retries, or taken from the cache.

This module schedules and collects facts; the decisions are the units': politeness.py (who may send
when), retry.py (whether and when to try again), classify.py (the verdict of what was seen), soft404.py
(the host baseline), verdicts.py (the rewrites only the whole run can justify). With suggest-archived, the
web archive is asked about the dead links last (archive.py), on the same politeness and cache.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from ..clock import Clock, rfc3339
from ..config import Settings
from ..files import cache_file
from ..interrupt import Interruption
from ..models import LinkEntry, LinkKind, LinkStatus, Progress, RunResult
from ..progress import Tally
from ..tree import Tree
from ..urls import server_of
from .archive import WebArchive
from .attempt import Fetched
from .cache import LinkCache
from .classify import Verdict
from .client import Connections, Getter, Transport
from .entries import LinkScope, cache_key, settings_fingerprint
from .fetch import fetch
from .guard import AddressPolicy, GuardedBackend, Resolver
from .judge import Answer, Judging, judge, link_result
from .politeness import Politeness, Sleep
from .retry import RetryPolicy
from .soft404 import SoftNotFoundProbes
from .verdicts import Checked, FlakeMemory, conclude


class HttpChecker:
    """The LinkChecker on httpx. `transport` is the engine's test seam: given, every request goes to it
    (httpx.MockTransport, respx) instead of the guarded connections; `resolver` replaces the system's
    name lookups under the guard; `sleep` and `rng` make waits and jitter observable."""

    def __init__(self, *, transport: Transport | None = None, resolver: Resolver | None = None,
                 sleep: Sleep = asyncio.sleep, rng: random.Random | None = None) -> None:
        self.transport = transport
        self.resolver = resolver
        self.sleep = sleep
        self.rng = rng or random.Random()

    def check(self, result: RunResult, settings: Settings, *, clock: Clock,
              progress: Callable[[Progress], None] | None = None,
              interruption: Interruption | None = None) -> None:
        """Give every link entry of result a verdict (fetched or from the cache); mark the run inconclusive
        when the network itself was unavailable."""
        run = _Run(settings, self, clock=clock, progress=progress, interruption=interruption)
        try:
            asyncio.run(run.run(list(result.links.values())))
        finally:
            result.notes.extend(run.notes)
        result.inconclusive = run.inconclusive


class _Run:
    def __init__(self, settings: Settings, engine: HttpChecker, *, clock: Clock,
                 progress: Callable[[Progress], None] | None, interruption: Interruption | None) -> None:
        self.settings = settings
        self.links = settings.links
        self.cache_settings = settings.cache
        self.engine = engine
        self.clock = clock
        self.progress = progress
        self.interruption = interruption
        self.notes: list[str] = []
        self.inconclusive = False
        self.scope = LinkScope(self.links.include, self.links.exclude)
        self.fingerprint = settings_fingerprint(self.links)
        self.retry = RetryPolicy(self.links.retries, self.links.retry_after_cap)
        self.politeness = Politeness(self.links, sleep=engine.sleep)
        self.tally = Tally(progress, 0)
        self.queues: dict[str, deque[LinkEntry]] = {}
        self.checked: list[tuple[LinkEntry, Checked]] = []
        self.probe_notes: list[str] = []
        self.local_names: frozenset[str] = frozenset()  # names resolved only to non-public addresses
        self.judging = Judging()

    async def run(self, entries: list[LinkEntry]) -> None:
        cache = self._open_cache()
        self.tally.total = len(entries)
        try:
            for entry in entries:
                skip = self.scope.skip_reason(entry.url)
                cached = cache.get(self._key(entry)) if cache is not None and skip is None else None
                if skip is not None:
                    entry.result = link_result(entry, Verdict(LinkStatus.SKIPPED, skip), attempts=0, elapsed=0,
                                               checked_at=rfc3339(self.clock()))
                elif cached is not None:
                    entry.result = dataclasses.replace(cached, url=entry.url)
                else:
                    self.queues.setdefault(server_of(entry.url), deque()).append(entry)  # per server, however spelled
                    continue
                self.tally.add(entry.result)
            await self._fetch_all(cache)
            self._conclude(cache)
            if self.links.suggest_archived and not (self.interruption is not None and self.interruption.requested):
                await self._suggest_archived(entries, cache)
        finally:
            if cache is not None:
                cache.close()
                self.notes.extend(cache.notes)

    def _open_cache(self) -> LinkCache | None:
        if not self.cache_settings.enabled:
            return None
        file = cache_file(self.cache_settings.path)
        led_out = Tree.working(follow_symlinks=self.settings.follow_symlinks).leads_out(file.parent)
        if led_out:
            self.notes.append(f"link cache {file}: a symlink leads its folder out of the working tree; not used (a "
                              "fresh in-memory cache for this run)")
        return LinkCache(None if led_out else file, max_age_good=self.cache_settings.max_age_good,
                         max_age_bad=self.cache_settings.max_age_bad, now=lambda: self.clock().timestamp())

    async def _fetch_all(self, cache: LinkCache | None) -> None:
        if not self.queues:
            return
        backend = GuardedBackend(AddressPolicy.from_settings(self.links.allow_private, self.links.allow_networks),
                                 dns_timeout=self.links.connect_timeout, resolver=self.engine.resolver)
        connections = Connections(backend, user_agent=self.links.user_agent, timeout=self.links.timeout,
                                  connect_timeout=self.links.connect_timeout, shared=self.engine.transport)
        probes = SoftNotFoundProbes(self.links, self.politeness, connections)
        # A host gets as many workers as its per-host limit; each works through the host's queue on
        # connections of its own. The politeness slots hold the limit for every request, probes included.
        workers = asyncio.gather(*(self._worker(host, queue, connections.getter(), probes, cache)
                                   for host, queue in self.queues.items()
                                   for _ in range(min(self.politeness.policy(host).per_host, len(queue)))))
        try:
            await self._until_done_or_interrupted(workers)
        finally:
            await probes.aclose()
            self.probe_notes = probes.notes()
            self.local_names = backend.local_names()

    async def _suggest_archived(self, entries: list[LinkEntry], cache: LinkCache | None) -> None:
        """Archived copies for the dead links (entry.archived): verdicts stay as they are, whatever happens."""
        archive = WebArchive(self.settings, self.politeness, transport=self.engine.transport, cache=cache)
        try:
            await self._until_done_or_interrupted(asyncio.ensure_future(archive.ask(entries)))
        except Exception as exc:  # the last line of defence: the archive never stops the run
            archive.notes.append(f"the web archive could not be asked: internal error ({type(exc).__name__})")
        finally:
            self.notes.extend(archive.notes)

    async def _until_done_or_interrupted(self, workers: asyncio.Future[Any]) -> None:
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

    async def _worker(self, host: str, queue: deque[LinkEntry], client: Getter, probes: SoftNotFoundProbes,
                      cache: LinkCache | None) -> None:
        """Works through a host's queue: each URL fetched here, judged in a task of its own (_judged), so the
        next request goes out before the last answer is judged, and a page waiting for its section's
        soft-404 baseline does not hold up the pages after it. Judgments waiting are bounded (judge.py:
        JUDGING_AHEAD, JUDGING_RUN_WIDE): each holds its body."""
        judging = self.judging.worker()
        try:
            while queue:
                if await judging.room():
                    continue
                entry = queue.popleft()
                started = time.monotonic()
                try:
                    got = await self._fetched(entry, host, client)
                except Exception as exc:  # the last line of defence: one URL never stops the run
                    got = self._internal_error(entry, host, exc, started)
                if isinstance(got, Checked):
                    self._record(entry, got, cache)
                else:
                    judging.add(self._judged(entry, host, got, probes, cache))
            await judging.drain()
        finally:
            await judging.cancel()
            await client.aclose()

    def _record(self, entry: LinkEntry, checked: Checked, cache: LinkCache | None) -> None:
        entry.result = checked.result
        if cache is not None and not checked.held_back:
            cache.put(checked.key, checked.result)
        self.checked.append((entry, checked))
        self.tally.add(checked.result, count_broken=not checked.held_back)

    def _internal_error(self, entry: LinkEntry, host: str, exc: Exception, started: float) -> Checked:
        result = link_result(entry, Verdict.internal_error(exc), 1, time.monotonic() - started,
                             checked_at=rfc3339(self.clock()))
        return Checked(self._key(entry), host, result, internal_error=True)

    async def _fetched(self, entry: LinkEntry, host: str, client: Getter) -> Checked | Answer:
        """The URL's answer to judge, or its Checked already when there is nothing to judge (refused, or the
        deadline came first: the post-pass words that verdict)."""
        refusal = self.politeness.refusal(entry.url)
        if refusal is not None:
            return Checked(self._key(entry), host,
                           link_result(entry, Verdict(LinkStatus.ERROR, refusal), attempts=0, elapsed=0,
                                       checked_at=rfc3339(self.clock())))
        started = time.monotonic()
        fetched, attempts, expired = await self._attempts(entry, host, client)
        elapsed = time.monotonic() - started
        if expired or fetched is None:
            last = (fetched.detail or f"HTTP {fetched.status}") if fetched is not None else ""
            status = fetched.status if fetched is not None else None
            result = link_result(entry, Verdict(LinkStatus.ERROR, last, status), attempts, elapsed,
                                 checked_at=rfc3339(self.clock()))
            return Checked(self._key(entry), host, result, deadline=self.politeness.policy(host).timeout)
        return Answer(fetched, attempts, elapsed)

    async def _judged(self, entry: LinkEntry, host: str, answer: Answer, probes: SoftNotFoundProbes,
                      cache: LinkCache | None) -> None:
        started = time.monotonic() - answer.elapsed
        try:
            checked = await judge(entry, host, answer, probes, accept=self.links.accept, key=self._key(entry),
                                  checked_at=rfc3339(self.clock()))
        except Exception as exc:  # the last line of defence: one URL never stops the run
            checked = self._internal_error(entry, host, exc, started)
        self._record(entry, checked, cache)

    async def _attempts(self, entry: LinkEntry, host: str, client: Getter) -> tuple[Fetched | None, int, bool]:
        """Attempts until one gives a final answer: (the last answer, attempts made, deadline expired).

        The URL's deadline counts the server's time (requests, backoff between them), not the waits for
        a politeness slot or turn, which are the checker's own pacing: each hop of an attempt waits for
        the slot of the host it goes to (HopGate), with the deadline paused.
        """
        left = self.politeness.policy(host).timeout
        kinds = entry.kinds
        image = LinkKind.IMAGE in kinds
        page = any(kind is not LinkKind.IMAGE for kind in kinds)
        fetched: Fetched | None = None
        attempts = 0
        while True:
            attempts += 1
            started = time.monotonic()
            try:
                async with asyncio.timeout(left) as timer:
                    gate = self.politeness.gate(timer)
                    fetched = await fetch(client, entry.url, max_redirects=self.links.max_redirects,
                                          max_body=self.links.max_body_bytes, image=image, page=page, gate=gate)
            except TimeoutError:
                return fetched, attempts, True
            left -= time.monotonic() - started - gate.waited
            self.politeness.record(host, fetched)
            delay = self.retry.delay(fetched, attempts, remaining=left, now_epoch=time.time(), rng=self.engine.rng)
            if delay is None:
                return fetched, attempts, False
            started = time.monotonic()
            await self.engine.sleep(delay)
            left -= time.monotonic() - started

    def _key(self, entry: LinkEntry) -> str:
        return cache_key(entry, self.fingerprint) if self.cache_settings.enabled else ""

    def _conclude(self, cache: LinkCache | None) -> None:
        """The post-pass over what this run checked (verdicts.py); then the cache learns what it says."""
        now = self.clock().timestamp()
        checked = [item for _, item in self.checked]
        history = None
        if cache is not None:
            history = {item.key: run for item in checked
                       if item.result.status is LinkStatus.ERROR and (run := cache.failures(item.key)) is not None}
        outcome = conclude(checked, self.politeness.facts(self.local_names), history=history, now=now,
                           memory=FlakeMemory(self.links.persistent_checks, self.links.persistent_days))
        for (entry, _), result in zip(self.checked, outcome.results, strict=True):
            entry.result = result
        self.notes.extend((*outcome.notes, *self.probe_notes))
        self.inconclusive = outcome.inconclusive
        if cache is not None:
            for key, result in outcome.cache:
                cache.put(key, result)
            for key in outcome.failed:
                cache.record_failure(key, now)
            for key in outcome.answered:
                cache.clear_failure(key)


def _cancel_soon(loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any]) -> None:
    """Cancel from a signal handler: it runs between bytecodes, so the loop is told, not touched."""
    loop.call_soon_threadsafe(future.cancel)

