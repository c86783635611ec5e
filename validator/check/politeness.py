"""Host politeness: how many requests a host may have in flight, how far apart their starts are, when a
host that keeps failing is given up, and the per-host overrides of these (lychee's ratelimit/host).

A host is the server it names (urls.server_host): every spelling of one address (127.0.0.1, 127.1,
2130706433, 0x7f000001, ::ffff:127.0.0.1) shares one host's slots and interval. Failures are counted per
origin (scheme, host, port: a closed port is not the host's site), and only failures of a URL's own host
(the URL the seeds name, or a redirect within its host): another host redirecting to a dead origin gives
nobody up.

Every request goes through one acquire/release pair keyed by the host it is sent to: first attempts,
retries, soft-404 and catch-all probes alike, and every redirect hop: fetch enters a HopGate around each
hop, which takes the slot of the host that hop goes to and hands it back before the next hop (never two
at a time), so no two requests can wait on each other's slots. Time spent acquiring is the checker's own
pacing, not the server's: the gate keeps it out of the deadline it is given.

It also keeps what the run learns about reaching hosts (HostFacts, for the verdict post-pass): which
answered, which failed at DNS or routing, which host names resolved.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ..config import LinkSettings
from ..options import parse_allowed
from ..urls import origin_of, server_host, server_of
from .attempt import CONNECTION_FAILURES, DNS_FAILURES, NETWORK_FAILURES, Failure, Fetched
from .verdicts import HostFacts

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """The politeness one host gets: the defaults, or its override in `links.hosts`."""

    per_host: int     # requests in flight at once
    interval: float   # seconds between request starts
    timeout: float    # a URL's deadline on this host
    soft_404_probe: bool = True  # whether its pages are compared with a made-up sibling's (soft404.py)


def host_policy(links: LinkSettings, host: str) -> HostPolicy:
    """The host's politeness: its override in `links.hosts` under any spelling of it (server_host), or the defaults."""
    key = server_host(host)
    override = links.hosts.get(host) or next((o for name, o in links.hosts.items() if server_host(name) == key), None)
    if override is None:
        return HostPolicy(links.per_host, links.host_interval, links.timeout, links.soft_404_probe)
    return HostPolicy(per_host=override.per_host or links.per_host,
                      interval=links.host_interval if override.host_interval is None else override.host_interval,
                      timeout=override.timeout or links.timeout,
                      soft_404_probe=links.soft_404_probe if override.soft_404_probe is None
                      else override.soft_404_probe)


@dataclass(slots=True)
class _Host:
    policy: HostPolicy
    slots: asyncio.Semaphore
    next_start: float = 0.0
    attempted: bool = False
    connected: bool = False
    dns_failed: bool = False
    network_failed: bool = False
    resolved: bool = False  # its name was looked up (an answer, or a failure only a resolved name can have)


@dataclass(slots=True)
class _Failures:
    """An origin's connection failures in a row, of URLs on its own host (see Politeness.record)."""

    in_a_row: int = 0
    last: str = ""


@dataclass(frozen=True, slots=True)
class Slot:
    """A held request slot on a host (and one of the run's): hand it back with Politeness.release."""

    host: str


class Politeness:
    def __init__(self, links: LinkSettings, *, sleep: Sleep, monotonic: Callable[[], float] = time.monotonic,
                 ) -> None:
        self._links = links
        self._sleep = sleep
        self._monotonic = monotonic
        self._hosts: dict[str, _Host] = {}
        self._failures: dict[str, _Failures] = {}  # by origin (urls.origin_of)
        self._run_wide = asyncio.Semaphore(links.concurrency)
        # Names that may resolve to private addresses (/etc/hosts, intranet DNS): their lookups prove nothing
        # about the resolver the public names go to.
        self._allow_listed = frozenset(e for e in map(parse_allowed, links.allow_networks) if isinstance(e, str))

    def policy(self, host: str) -> HostPolicy:
        return self._host(host).policy

    async def acquire(self, host: str) -> Slot:
        """Wait for a slot on `host`, then for one of the run's, then for the host's turn (its interval)."""
        state = self._host(host)
        await state.slots.acquire()
        try:
            await self._run_wide.acquire()
            try:
                state.attempted = True
                await self._turn(state)
            except BaseException:
                self._run_wide.release()
                raise
        except BaseException:
            state.slots.release()
            raise
        return Slot(host)

    def ready(self, host: str) -> bool:
        """Whether acquire(host) would go through without waiting (a free slot, the host's turn come)."""
        state = self._host(host)
        return (not state.slots.locked() and not self._run_wide.locked()
                and (state.policy.interval <= 0 or self._monotonic() >= state.next_start))

    def release(self, slot: Slot) -> None:
        self._run_wide.release()
        self._host(slot.host).slots.release()

    def request(self, host: str) -> _Request:
        """`async with politeness.request(host):` acquire … release around one request to `host`."""
        return _Request(self, host)

    async def _turn(self, state: _Host) -> None:
        """Spaces request starts on a host by its minimum interval."""
        if state.policy.interval <= 0:
            return
        now = self._monotonic()
        start = max(now, state.next_start)
        state.next_start = start + state.policy.interval
        if start > now:
            await self._sleep(start - now)

    def refusal(self, url: str) -> str | None:
        """Why a request for `url` is not to be made at all: its origin failed too many connections in a row."""
        if not self._failures:  # the common case: nothing has failed in a row anywhere
            return None
        origin = origin_of(url)
        failures = self._failures.get(origin)
        if failures is None or failures.in_a_row < self._links.host_failure_limit:
            return None
        return f"not checked: {origin} failed {failures.in_a_row} connections in a row (last: {failures.last})"

    def gate(self, timer: asyncio.Timeout | None = None) -> HopGate:
        """fetch's gate for one attempt: each hop takes its own host's slot and turn (see HopGate)."""
        return HopGate(self, timer)

    def record(self, host: str, fetched: Fetched) -> None:
        """What an attempt at a URL on `host` (fetched.url) says about reaching it and the hosts its redirects
        led to: each one that answered (its origin's failures in a row start again), and the one where it
        failed (the last hop's). A connection failure counts toward that origin's failure limit only on the
        URL's own host: the URL itself, or a redirect within its host. Reached through another host's
        redirect, it says nothing about the URLs the seeds name there (anyone can redirect to a closed port)."""
        host = server_host(host)
        last = (fetched.final_url or fetched.url) if fetched.hops else fetched.url  # where the last request went
        answered = [hop.url for hop in fetched.hops]
        if fetched.status is not None or (fetched.connected and not fetched.hops):
            answered.append(last)
        for url in answered:
            state = self._host(server_of(url) or host)
            state.connected = state.resolved = True
            if self._failures:  # (nothing to start again while nothing failed: the URL is not parsed)
                self._failures.pop(origin_of(url), None)
        failure = fetched.failure
        if failure is None or failure not in _REACHING_FAILURES or fetched.status is not None:
            return
        failed_at = server_of(last) or host
        state = self._host(failed_at)
        state.attempted = True
        if failure in CONNECTION_FAILURES or failure in NETWORK_FAILURES:
            if failed_at == host:
                failures = self._failures.setdefault(origin_of(last), _Failures())
                failures.in_a_row += 1
                failures.last = fetched.detail
            state.network_failed = state.network_failed or failure in NETWORK_FAILURES
        if failure in DNS_FAILURES:
            state.dns_failed = True
        else:
            state.resolved = True  # refused, timed out, blocked...: only after the name was resolved

    def facts(self, local_names: frozenset[str] = frozenset()) -> HostFacts:
        """The run's facts about reaching hosts. Names proving nothing about public name resolution are left
        out of names_resolved/unresolved: address literals, allow-listed names, and `local_names`, those
        that resolved only to non-public addresses (the hosts file, an intranet zone: GuardedBackend)."""
        hosts = self._hosts.items()
        names = [(name, h) for name, h in hosts
                 if _is_name(name) and name not in self._allow_listed and name not in local_names]
        return HostFacts(attempted=frozenset(name for name, h in hosts if h.attempted),
                         connected=frozenset(name for name, h in hosts if h.connected),
                         network_failed=frozenset(name for name, h in hosts if h.network_failed),
                         names_resolved=frozenset(name for name, h in names if h.resolved),
                         names_unresolved=frozenset(name for name, h in names if h.dns_failed and not h.resolved))

    def _host(self, host: str) -> _Host:
        host = server_host(host)
        state = self._hosts.get(host)
        if state is None:
            policy = host_policy(self._links, host)
            state = self._hosts[host] = _Host(policy, asyncio.Semaphore(policy.per_host))
        return state


class _Request:
    """Politeness.request: a plain class, not a generator, as it wraps every request of a run."""

    __slots__ = ("_host", "_politeness", "_slot")

    def __init__(self, politeness: Politeness, host: str) -> None:
        self._politeness, self._host = politeness, host

    async def __aenter__(self) -> Slot:
        self._slot = await self._politeness.acquire(self._host)
        return self._slot

    async def __aexit__(self, *exc_info: object) -> None:
        self._politeness.release(self._slot)


class HopGate:
    """fetch's gate (fetch.Gate): around each hop, the slot and turn of the host the hop goes to, handed back
    before the next hop. The wait for them is the checker's pacing, not the server's: it is kept out of the
    deadline `timer` (the asyncio.timeout around the attempt; paused while waiting) and summed in `waited`."""

    __slots__ = ("_politeness", "_timer", "waited")

    def __init__(self, politeness: Politeness, timer: asyncio.Timeout | None) -> None:
        self._politeness, self._timer = politeness, timer
        self.waited = 0.0

    def __call__(self, url: str) -> _Hop:
        return _Hop(self, server_of(url))

    async def acquire(self, host: str) -> Slot:
        if self._politeness.ready(host):  # no wait to keep out of the deadline: the timer is left alone
            return await self._politeness.acquire(host)
        timer = self._timer
        deadline = timer.when() if timer is not None and not timer.expired() else None
        if timer is not None and deadline is not None:
            timer.reschedule(None)  # waiting for a turn is not the server's time
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            return await self._politeness.acquire(host)
        finally:
            waited = loop.time() - started
            self.waited += waited
            if timer is not None and deadline is not None and not timer.expired():
                timer.reschedule(deadline + waited)

    def release(self, slot: Slot) -> None:
        self._politeness.release(slot)


class _Hop:
    __slots__ = ("_gate", "_host", "_slot")

    def __init__(self, gate: HopGate, host: str) -> None:
        self._gate, self._host = gate, host

    async def __aenter__(self) -> Slot:
        self._slot = await self._gate.acquire(self._host)
        return self._slot

    async def __aexit__(self, *exc_info: object) -> None:
        self._gate.release(self._slot)


# Failures that say something about reaching the host (not about what it answered).
_REACHING_FAILURES = CONNECTION_FAILURES | NETWORK_FAILURES | frozenset(
    {Failure.BLOCKED_ADDRESS, Failure.READ_TIMEOUT, Failure.RESET, Failure.PROTOCOL})


def _is_name(host: str) -> bool:
    """A host name (looked up in DNS), not an address literal."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return bool(host)
    return False
