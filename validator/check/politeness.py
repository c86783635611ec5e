"""Host politeness: how many requests a host may have in flight, how far apart their starts are, when a
host that keeps failing is given up, and the per-host overrides of these (lychee's ratelimit/host).

Every request goes through one acquire/release pair keyed by the host it is sent to: first attempts,
retries and the soft-404 probe alike. A redirect hop to another host can take that host's slot the same
way; a caller releases one slot before it acquires the next (never two at a time), so no two requests can
wait on each other's slots. Time spent acquiring is the checker's own pacing, not the server's: callers
keep it out of a URL's deadline.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ..config import LinkSettings
from .attempt import CONNECTION_FAILURES, DNS_FAILURES, NETWORK_FAILURES, Fetched
from .verdicts import HostFacts

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """The politeness one host gets: the defaults, or its override in `links.hosts`."""

    per_host: int     # requests in flight at once
    interval: float   # seconds between request starts
    timeout: float    # a URL's deadline on this host


def host_policy(links: LinkSettings, host: str) -> HostPolicy:
    override = links.hosts.get(host)
    if override is None:
        return HostPolicy(links.per_host, links.host_interval, links.timeout)
    return HostPolicy(per_host=override.per_host or links.per_host,
                      interval=links.host_interval if override.host_interval is None else override.host_interval,
                      timeout=override.timeout or links.timeout)


@dataclass(slots=True)
class _Host:
    policy: HostPolicy
    slots: asyncio.Semaphore
    next_start: float = 0.0
    failures_in_a_row: int = 0
    last_failure: str = ""
    attempted: bool = False
    connected: bool = False
    dns_failed: bool = False
    network_failed: bool = False


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
        self._run_wide = asyncio.Semaphore(links.concurrency)

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

    def refusal(self, host: str) -> str | None:
        """Why a request to `host` is not to be made at all: it failed too many connections in a row."""
        state = self._host(host)
        if state.failures_in_a_row < self._links.host_failure_limit:
            return None
        return (f"not checked: {host} failed {state.failures_in_a_row} connections in a row "
                f"(last: {state.last_failure})")

    def record(self, host: str, fetched: Fetched) -> None:
        """What an attempt on `host` says about reaching it."""
        state = self._host(host)
        if fetched.connected:
            state.connected = True
            state.failures_in_a_row = 0
        elif fetched.failure in CONNECTION_FAILURES or fetched.failure in NETWORK_FAILURES:
            state.failures_in_a_row += 1
            state.last_failure = fetched.detail
            state.dns_failed = state.dns_failed or fetched.failure in DNS_FAILURES
            state.network_failed = state.network_failed or fetched.failure in NETWORK_FAILURES

    def dns_failed(self, host: str) -> bool:
        """Whether name resolution failed for `host` (an unknown host is a verdict only once the
        network is known to be up)."""
        return self._host(host).dns_failed

    def facts(self) -> HostFacts:
        hosts = self._hosts.items()
        return HostFacts(attempted=frozenset(name for name, h in hosts if h.attempted),
                         connected=frozenset(name for name, h in hosts if h.connected),
                         network_failed=frozenset(name for name, h in hosts if h.network_failed))

    def _host(self, host: str) -> _Host:
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
