"""Progress of a run on stderr, the file stage then the link stage: a live line on a terminal, a plain line
now and then otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from .models import LinkResult, Progress

_LIVE_EVERY = 0.1
_PLAIN_EVERY = 10.0


class ProgressDisplay:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._live = self._stream.isatty()
        self._every = _LIVE_EVERY if self._live else _PLAIN_EVERY
        self._last = 0.0
        self._shown = False

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        final = progress.total > 0 and progress.done >= progress.total
        if not final and now - self._last < self._every:
            return
        if (not self._live and not self._shown and progress.elapsed < self._every
                and (not final or progress.stage == "files")):
            return  # a log gets a stage's lines once it is long (a short run adds none but the links' last)
        self._last = now
        line = format_progress(progress)
        if self._live:
            self._stream.write("\r\x1b[2K" + line + ("\n" if final else ""))
        elif not final or self._shown or progress.stage != "files":  # the link stage ends with how long it took
            self._stream.write(line + "\n")
        self._shown = True
        self._stream.flush()


class Tally:
    """The link stage's progress numbers: URLs done, of how many, how many broken so far (check/runner.py)."""

    def __init__(self, progress: Callable[[Progress], None] | None, total: int) -> None:
        self.progress, self.total = progress, total
        self.done = self.broken = 0
        self.started = time.monotonic()

    def add(self, result: LinkResult, *, count_broken: bool = True) -> None:
        self.done += 1
        if count_broken and result.status.is_broken:
            self.broken += 1
        if self.progress is not None:
            self.progress(Progress(self.done, self.total, self.broken, time.monotonic() - self.started))


# An estimate of the time left is shown once the rate has had this long to settle: after a fraction of a second
# (the first answers, or verdicts taken from the cache) it says nothing of the URLs still to fetch.
_ETA_AFTER = 3.0


def format_progress(progress: Progress) -> str:
    rate = progress.done / progress.elapsed if progress.elapsed > 0 else 0.0
    final = progress.total > 0 and progress.done >= progress.total
    took = f" in {_duration(progress.elapsed, exact=True)}" if final else ""
    if progress.stage == "files":
        return (f"files {progress.done}{f'/{progress.total}' if progress.total else ''} checked{took}, {rate:.0f}/s, "
                f"{progress.broken} with findings")
    remaining = progress.total - progress.done
    eta = f", ETA {_duration(remaining / rate)}" if rate > 0 and remaining and progress.elapsed >= _ETA_AFTER else ""
    return (f"links {progress.done}/{progress.total} checked{took}, {rate:.0f}/s, {progress.broken} broken"
            f"{eta}")


def _duration(seconds: float, *, exact: bool = False) -> str:
    """'1m39s', '12s'; exact: tenths under a minute ('13.1s'), as a stage's final line gives its time."""
    if exact and seconds < 60:
        return f"{seconds:.1f}s"
    whole = int(seconds)
    return f"{whole // 60}m{whole % 60:02d}s" if whole >= 60 else f"{whole}s"
