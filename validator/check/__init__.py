"""The link stage. pipeline.run calls a LinkChecker; the HTTP engine behind it stays inside this package.

    runner.py      HttpChecker: schedules every distinct URL, collects facts (the LinkChecker on httpx)
    politeness.py  per-host slots, interval, failure limit and overrides: every request and redirect hop
                   goes through it (HopGate); what the run learns about reaching hosts
    retry.py       which attempts are repeated, and the backoff / Retry-After wait
    classify.py    pure: what one attempt saw → a verdict, for one kind (a URL used as several gets one each)
    verdicts.py    pure: the run-level rewrites after classification (deadline, network down per mechanism,
                   flake memory)
    soft404.py     the soft-404 / catch-all probe, once per (origin, section), with its own deadline
    entries.py     before any request: include/exclude and skips, the cache key
    attempt.py     plain data of an attempt (Fetched, Hop, Failure, headers)
    fetch.py, client.py, streams.py, guard.py   the engine: httpx/httpcore, the address guard
    probe.py       pure readers of a body (page facts, image header); cache.py  the SQLite verdict store
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..clock import Clock
    from ..config import Settings
    from ..interrupt import Interruption
    from ..models import Progress, RunResult


class LinkChecker(Protocol):
    """Gives every link entry of a run a verdict; what pipeline.run needs of a link-check engine."""

    def check(self, result: RunResult, settings: Settings, *, clock: Clock,
              progress: Callable[[Progress], None] | None = None,
              interruption: Interruption | None = None) -> None:
        """Set `entry.result` for every entry of result.links (fetched or from the cache); add the run's
        notes to result.notes and set result.inconclusive when the network itself was unavailable."""
