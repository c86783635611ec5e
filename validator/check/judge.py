"""A URL's verdict from its answer: every kind it is used as, checked on the one answer (a page used as an image
gets the image's verdict too), and the link result that carries them. No I/O but the soft-404 baseline a
page is compared with (soft404.py), which the first page of a section asks for."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass
from typing import Any

from ..models import KindVerdict, LinkEntry, LinkKind, LinkResult
from .attempt import DNS_FAILURES, Fetched
from .classify import Expectation, Verdict, classify
from .soft404 import SoftNotFoundProbes, section_key
from .verdicts import Checked, provisional

# Judgments waiting (each holds an answer's body, up to max-body-bytes) before a worker waits for its oldest:
# at most JUDGING_AHEAD of a worker's, and past JUDGING_RUN_WIDE in the whole run, a worker adds one only when
# it has none waiting. So a run holds at most JUDGING_RUN_WIDE + one per worker bodies (one per worker
# before judging was apart), however many hosts keep their soft-404 baselines slow to come.
JUDGING_AHEAD = 8
JUDGING_RUN_WIDE = 64


class Judging:
    """The run's judgments waiting (JUDGING_AHEAD, JUDGING_RUN_WIDE); each worker adds its own through worker()."""

    def __init__(self) -> None:
        self.waiting = 0

    def worker(self) -> WorkerJudging:
        return WorkerJudging(self)

    def done(self, _: asyncio.Task[None]) -> None:
        self.waiting -= 1


class WorkerJudging:
    """One worker's judgments waiting, oldest first."""

    __slots__ = ("_run", "_tasks")

    def __init__(self, run: Judging) -> None:
        self._run = run
        self._tasks: deque[asyncio.Task[None]] = deque()

    def add(self, judgment: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(judgment)
        self._run.waiting += 1
        task.add_done_callback(self._run.done)  # however it ends, cancelled before it began too
        self._tasks.append(task)

    async def room(self) -> bool:
        """Before the worker's next fetch: wait for its oldest judgment when too many are waiting (True: it
        waited, and the host's other workers may have emptied the queue meanwhile)."""
        tasks = self._tasks
        while tasks and tasks[0].done():
            tasks.popleft()
        if tasks and (len(tasks) >= JUDGING_AHEAD or self._run.waiting >= JUDGING_RUN_WIDE):
            await tasks.popleft()
            return True
        return False

    async def drain(self) -> None:
        await asyncio.gather(*self._tasks)

    async def cancel(self) -> None:
        """An interrupted run: a judgment waiting for a probe ends with it."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


@dataclass(frozen=True, slots=True)
class Answer:
    """A URL's last answer, to be judged: what came back, after how many attempts and seconds."""

    fetched: Fetched
    attempts: int
    elapsed: float


async def judge(entry: LinkEntry, host: str, answer: Answer, probes: SoftNotFoundProbes, *, accept: Iterable[int],
                key: str, checked_at: str) -> Checked:
    """The URL's Checked: each kind's verdict on the answer, pages compared with their section's baseline."""
    fetched, attempts = answer.fetched, answer.attempts
    accepted = frozenset(accept)
    verdicts: list[tuple[LinkKind, Verdict]] = []
    for kind in entry.kinds:
        probe = await probes.baseline(host, entry.url) if probes.wanted(kind, fetched, host) else None
        expect = Expectation(kind, entry.image if kind is LinkKind.IMAGE else None,
                             frozenset(entry.canonical_candidates) if kind is LinkKind.AMP else frozenset(), accepted)
        verdicts.append((kind, classify(fetched, expect, attempts=attempts, probe=probe)))
    result = link_result(entry, verdicts[0][1], attempts, answer.elapsed, checked_at=checked_at,
                         kinds=tuple(verdicts) if verdicts[1:] else ())
    lookup_failed = fetched.failure in DNS_FAILURES
    page = any(kind in (LinkKind.PAGE, LinkKind.EMBED) for kind in entry.kinds)
    return Checked(key, host, result, held_back=provisional(result, dns_failed=lookup_failed),
                   name_lookup_failed=lookup_failed, section=section_key(entry.url) if page else "",
                   like_made_up=any(v.like_made_up for _, v in verdicts))


def link_result(entry: LinkEntry, verdict: Verdict, attempts: int, elapsed: float, *, checked_at: str,
                kinds: tuple[tuple[LinkKind, Verdict], ...] = ()) -> LinkResult:
    """The link's result. `kinds`, when the URL is used as several: each kind's verdict on the one answer;
    the result is then the most urgent of them (the first kind found on a tie), every warning kept."""
    kind, warnings = entry.kind, verdict.warnings
    if kinds:
        kind, verdict = min(kinds, key=lambda pair: pair[1].status.urgency)
        warnings = tuple(dict.fromkeys(w for _, v in kinds for w in v.warnings))
    return LinkResult(
        url=entry.url, kind=kind, status=verdict.status, reason=verdict.reason,
        http_status=verdict.http_status, final_url=verdict.final_url, redirects=verdict.redirects,
        attempts=attempts, elapsed_ms=round(elapsed * 1000), checked_at=checked_at,
        warnings=warnings, kinds=tuple(KindVerdict(k, v.status, v.reason, v.warnings) for k, v in kinds))
