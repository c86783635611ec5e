"""Ctrl-C and SIGTERM end a run gracefully: stages stop, what was found is reported, the cache stays whole."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType


class Interruption:
    """Records the first SIGINT/SIGTERM and tells the running stage; a second one stops at once."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.signal: int | None = None
        self._callbacks: list[Callable[[], None]] = []

    @property
    def requested(self) -> bool:
        return self.signal is not None

    def on_request(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call callback when a stop is requested (at once if it already was); returns an unsubscribe."""
        self._callbacks.append(callback)
        if self.requested:
            callback()
        return lambda: self._callbacks.remove(callback) if callback in self._callbacks else None

    def request(self, signum: int) -> None:
        if self.signal is None:
            self.signal = signum
            for callback in list(self._callbacks):
                callback()

    @contextmanager
    def installed(self) -> Iterator[Interruption]:
        """Handle the signals in this block (main thread only)."""
        previous = {signum: signal.getsignal(signum) for signum in self.SIGNALS}

        def handler(signum: int, frame: FrameType | None) -> None:
            if self.requested:  # asked twice: the user means it
                signal.signal(signum, signal.SIG_DFL if signum == signal.SIGTERM else signal.default_int_handler)
                signal.raise_signal(signum)
                return
            self.request(signum)

        for signum in self.SIGNALS:
            signal.signal(signum, handler)
        try:
            yield self
        finally:
            for signum, old in previous.items():
                signal.signal(signum, old)

    @property
    def exit_code(self) -> int:
        """128 + the signal number, as shells report a process ended by a signal (130, 143)."""
        return 128 + (self.signal or 0)
