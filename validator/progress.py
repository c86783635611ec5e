"""Progress of a run on stderr, the file stage then the link stage: a live line on a terminal, a plain line
now and then otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from .models import Progress

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
        if not self._live and not self._shown and progress.stage == "files" and progress.elapsed < self._every:
            return  # a log gets the file stage only when it is long: a short run adds no lines
        self._last = now
        line = format_progress(progress)
        if self._live:
            self._stream.write("\r\x1b[2K" + line + ("\n" if final else ""))
        elif not final or self._shown:
            self._stream.write(line + "\n")
        self._shown = True
        self._stream.flush()


def format_progress(progress: Progress) -> str:
    rate = progress.done / progress.elapsed if progress.elapsed > 0 else 0.0
    if progress.stage == "files":
        return (f"files {progress.done}{f'/{progress.total}' if progress.total else ''} checked, {rate:.0f}/s, "
                f"{progress.broken} with findings")
    remaining = progress.total - progress.done
    eta = f", ETA {_duration(remaining / rate)}" if rate > 0 and remaining else ""
    return (f"links {progress.done}/{progress.total} checked, {rate:.0f}/s, {progress.broken} broken"
            f"{eta}")


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"
