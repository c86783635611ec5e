"""The verdict post-pass: every rewrite of a verdict after classification, each with its reason. Pure.

classify() judges one URL from what its own attempts saw. What only the run as a whole can tell is
decided here, from facts the runner collected, over the URLs checked in this run (not those from the
cache, not those skipped before any request), in this order:

1. deadline: the URL's deadline expired before a verdict → error, "no verdict within the N s deadline";
   b. walls: every page checked in one section of a site (two at least) got the answer a made-up URL there
      gets → a wall (consent, paywall, login, app shell) hides the articles: soft-dead becomes blocked;
2. network unavailable, decided per mechanism:
   a. routing: no host connected and every attempted one failed at DNS or routing (not all of them at name
      lookups: that is b, whatever answers the cache held) → nothing fetched is a verdict: dead becomes error
      "not verified", the run is inconclusive, nothing is cached;
   b. names: host-name lookups failed and not one succeeded with a public address (whatever hosts given by IP
      address, names allow-listed as private, or names that resolved only to loopback or private addresses
      — localhost from the hosts file, an intranet zone — did: they say nothing of the resolver public names
      go to) → the verdicts resting on a name lookup are not verdicts: an unknown
      host becomes error "not verified", the run is inconclusive, and they are neither cached nor
      remembered. An unknown host (NXDOMAIN: "no such name", never "could not ask") is dead only while
      other names resolve;
3. flake memory (with a cache): a URL unverifiable run after run (persistent_checks runs over at least
   persistent_days) → dead, "persistently unreachable since …";
4. internal errors are not remembered: a URL whose check raised inside the checker (the runner's last
   line of defence, Verdict.internal_error) stays error and is neither recorded as failing nor as
   answered. The failure is the checker's, not the link's: a bug hit run after run must never add up
   to "persistently unreachable", nor end (or start) the link's own run of failures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from ..clock import rfc3339
from ..models import LinkResult, LinkStatus
from .classify import UNKNOWN_HOST


@dataclass(frozen=True, slots=True)
class HostFacts:
    """What the run learned about reaching hosts."""

    attempted: frozenset[str] = frozenset()       # a request was started
    connected: frozenset[str] = frozenset()       # at least one connection was made
    network_failed: frozenset[str] = frozenset()  # DNS or routing failed at least once
    # Host names (not address literals, not allow-listed private names) whose lookup succeeded at least
    # once, and those whose every lookup failed.
    names_resolved: frozenset[str] = frozenset()
    names_unresolved: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Checked:
    """One URL checked in this run, as the runner saw it."""

    key: str             # its cache key ("" when there is no cache)
    host: str
    result: LinkResult   # as classified; after a deadline: the last attempt's answer as reason, or ""
    deadline: float | None = None  # the URL's deadline in seconds, when it expired before a verdict
    held_back: bool = False        # a verdict to cache only once the network is known up (see provisional)
    internal_error: bool = False   # checking it raised inside the checker: no verdict on the link (rule 4)
    name_lookup_failed: bool = False  # the attempt ended in a failed host-name lookup (its own host or a hop's)
    section: str = ""           # a page's section on its origin ('https://news.example/world/'), for walls
    like_made_up: bool = False  # it got the answer a made-up URL in that section gets (classify)


@dataclass(frozen=True, slots=True)
class FlakeMemory:
    checks: int  # runs in a row ...
    days: float  # ... over at least this many days


@dataclass(frozen=True, slots=True)
class Conclusion:
    results: tuple[LinkResult, ...]  # one per Checked, in the same order
    notes: tuple[str, ...] = ()
    inconclusive: bool = False
    # What the cache is to learn (nothing without a cache, or when the network was unavailable):
    cache: tuple[tuple[str, LinkResult], ...] = ()  # held-back verdicts, now known to be verdicts
    failed: tuple[str, ...] = ()     # keys unverifiable once more
    answered: tuple[str, ...] = ()   # keys whose run of failures is over


def provisional(result: LinkResult, *, dns_failed: bool) -> bool:
    """An unknown host is a verdict only once the network is known to be up: until the run ends, such a
    verdict is neither cached nor counted as broken."""
    return result.status is LinkStatus.DEAD and dns_failed


def network_unavailable(hosts: HostFacts) -> bool:
    """No host could be reached and every attempted one failed at DNS or routing: the machine is offline."""
    return bool(hosts.attempted) and not (hosts.attempted & hosts.connected) and hosts.attempted <= hosts.network_failed


def names_unavailable(hosts: HostFacts) -> bool:
    """Host-name lookups failed and none succeeded: the resolver, not the names, is missing (a sandbox that
    reaches hosts by address only, a DNS outage), whatever hosts given by address did."""
    return bool(hosts.names_unresolved) and not hosts.names_resolved


def conclude(checked: Sequence[Checked], hosts: HostFacts, *, history: Mapping[str, tuple[float, int]] | None,
             now: float, memory: FlakeMemory) -> Conclusion:
    """The final verdicts of the URLs checked in this run.

    `history` is the cache's record of earlier failures, key → (first failure, failures in a row) before
    this run, or None when there is no cache (then nothing is remembered).
    """
    results = _walls(checked, tuple(_deadline(item) for item in checked))
    if network_unavailable(hosts) and not hosts.attempted <= hosts.names_unresolved:
        return _offline(checked, results, hosts)  # (only names failing: rule 2b's diagnosis, cache or not)
    notes: tuple[str, ...] = ()
    unverified: frozenset[int] = frozenset()  # positions of verdicts that rest on a resolver that was missing
    if names_unavailable(hosts):
        unverified = frozenset(i for i, item in enumerate(checked) if item.name_lookup_failed)
        results = tuple(_unresolved(result) if i in unverified else result for i, result in enumerate(results))
        notes = (_names_note(hosts),)
    if history is None:
        return Conclusion(results, notes=notes, inconclusive=bool(notes))
    final: list[LinkResult] = []
    failed: list[str] = []
    answered: list[str] = []
    for i, (item, result) in enumerate(zip(checked, results, strict=True)):
        # rule 4: the checker's failure, not the link's; rule 2b: not a verdict, neither cached nor remembered
        if item.internal_error or i in unverified:
            final.append(result)
            continue
        if result.status is LinkStatus.ERROR:
            failed.append(item.key)
            final.append(_flake(result, history.get(item.key), now, memory))
            continue
        if result.status is not LinkStatus.SKIPPED:
            answered.append(item.key)
        final.append(result)
    held = tuple((item.key, result) for i, (item, result) in enumerate(zip(checked, results, strict=True))
                 if item.held_back and i not in unverified)
    return Conclusion(tuple(final), notes=notes, inconclusive=bool(notes), cache=held, failed=tuple(failed),
                      answered=tuple(answered))


def _deadline(item: Checked) -> LinkResult:
    result = item.result
    if item.deadline is None:
        return result
    detail = f" (last attempt: {result.reason})" if result.reason else ""
    said = f"no verdict within the {item.deadline:g} s deadline: the server is slow or hanging{detail}"
    return _restate(result, LinkStatus.ERROR, lambda _: said)


def _walls(checked: Sequence[Checked], results: tuple[LinkResult, ...]) -> tuple[LinkResult, ...]:
    """Rule 1b: where every page checked in one section of a site (two at least) got what a made-up URL
    there gets, the site hides its articles behind one page (a consent or pay wall, a login, an app shell):
    that says nothing of whether any of them exists, so none is soft-dead for it, whatever order they
    finished in. A section where live articles get pages of their own keeps its soft-dead verdicts."""
    members: dict[str, list[int]] = {}
    for i, item in enumerate(checked):
        if item.section:
            members.setdefault(item.section, []).append(i)
    walled = {section: len(at) for section, at in members.items()
              if len(at) >= 2 and all(checked[i].like_made_up for i in at)}
    if not walled:
        return results
    return tuple(_walled(result, checked[i].section, walled[checked[i].section])
                 if checked[i].section in walled and result.status is LinkStatus.SOFT_DEAD else result
                 for i, result in enumerate(results))


def _walled(result: LinkResult, section: str, count: int) -> LinkResult:
    seen = f" (redirected to {result.final_url})" if result.final_url else ""
    said = (f"every one of the {count} articles checked in {section} gets the same answer as a made-up URL there"
            f"{seen}: a consent or pay wall, a login or an app shell stands in front of them, so whether this one "
            "exists cannot be told; not known dead")
    return _restate(result, LinkStatus.BLOCKED, lambda _: said)


def _offline(checked: Sequence[Checked], results: tuple[LinkResult, ...], hosts: HostFacts) -> Conclusion:
    note = (f"the network looks unavailable: no connection to any of {len(hosts.attempted)} host(s), DNS or "
            "routing failed for all of them; no link was called dead. Check the connection (or use --offline) "
            "and run again")
    rewritten = tuple(
        _restate(result, LinkStatus.ERROR,
                 lambda reason: f"not verified, network unavailable: {reason.removeprefix(UNKNOWN_HOST)}")
        if result.status is LinkStatus.DEAD and item.host in hosts.attempted else result
        for item, result in zip(checked, results, strict=True))
    return Conclusion(rewritten, notes=(note,), inconclusive=True)


def _unresolved(result: LinkResult) -> LinkResult:
    if result.status is not LinkStatus.DEAD:
        return result
    return _restate(result, LinkStatus.ERROR, lambda reason: (
        "not verified: the name could not be looked up while name resolution was failing in this run "
        f"({reason.removeprefix(UNKNOWN_HOST)})"))


def _names_note(hosts: HostFacts) -> str:
    named = sorted(hosts.names_unresolved)
    shown = ", ".join(named[:5]) + (", …" if len(named) > 5 else "")
    reached = "" if hosts.connected else (" (no host was reached in this run either: the network looks "
                                          "unavailable, or only DNS is)")
    return (f"host names could not be resolved: the lookups of all {len(named)} host name(s) failed ({shown}) and "
            "none succeeded with a public address, so the resolver, not the names, looks unavailable"
            f"{reached}; no link was called dead for an unknown host. Check DNS (and any proxy) and run again")


def _flake(result: LinkResult, before: tuple[float, int] | None, now: float, memory: FlakeMemory) -> LinkResult:
    """Flake memory: a one-off failure stays an error; a link unreachable run after run becomes dead."""
    first, count = (before[0], before[1] + 1) if before else (now, 1)
    if count < memory.checks or now - first < memory.days * 86400:
        return result
    since = f"persistently unreachable since {_date(first)} ({count} checks in a row)"
    return _restate(result, LinkStatus.DEAD, lambda reason: f"{since}: {reason}")


def _restate(result: LinkResult, status: LinkStatus, reason: Callable[[str], str]) -> LinkResult:
    """The result with a new status and reason, and so each of its kinds' verdicts that had its status (one
    answer stood behind them all); the result stays the most urgent of its kinds."""
    if not result.kinds:
        return replace(result, status=status, reason=reason(result.reason))
    kinds = tuple(replace(v, status=status, reason=reason(v.reason)) if v.status is result.status else v
                  for v in result.kinds)
    worst = min(kinds, key=lambda v: v.status.urgency)
    return replace(result, kind=worst.kind, status=worst.status, reason=worst.reason, kinds=kinds)


def _date(epoch: float) -> str:
    try:
        return rfc3339(datetime.fromtimestamp(epoch, UTC))
    except (OverflowError, ValueError, OSError):  # a cache row from elsewhere: still a date, not a crash
        return f"{epoch!r} (not a readable date)"
