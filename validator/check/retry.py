"""The retry policy: which attempts may be repeated, and how long to wait before the next one. Pure.

Retried: 5xx, 408, 429 and timeouts/resets; never refused connections, DNS, TLS or 4xx verdicts
(as lychee's retry.rs). The wait is exponential backoff with jitter, or what the server asked for in
Retry-After, capped; a wait that would outlast the URL's deadline is not taken.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from .attempt import Failure, Fetched

BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
# Past this the backoff is at its cap anyway; it also keeps 2.0 ** n finite whatever `retries` is.
_MAX_DOUBLINGS = 32
# A Retry-After longer than any cap (a century); also the value of an absurd one.
_FOREVER = 100 * 365 * 86400.0


class Retry(enum.Enum):
    NO = "no"
    BACKOFF = "backoff"        # transient: exponential backoff with jitter
    RETRY_AFTER = "after"      # the server said when (429, 503 with Retry-After)


_RETRIED_FAILURES = frozenset({Failure.READ_TIMEOUT, Failure.RESET, Failure.PROTOCOL, Failure.CONNECT_TIMEOUT})


def is_retried(failure: Failure) -> bool:
    """Whether a failure is transient (its verdict then says how many attempts it took)."""
    return failure in _RETRIED_FAILURES


def retry_policy(fetched: Fetched) -> Retry:
    """Retry 5xx, 408, 429 and timeouts/resets; never refused connections, DNS, TLS or 4xx verdicts."""
    if fetched.failure is not None:
        return Retry.BACKOFF if is_retried(fetched.failure) else Retry.NO
    status = fetched.status or 0
    if status == 429 or (status == 503 and "retry-after" in fetched.headers):
        return Retry.RETRY_AFTER
    if 500 <= status < 600 or status == 408:
        return Retry.BACKOFF
    return Retry.NO


def retry_after_seconds(value: str | None, now_epoch: float) -> float | None:
    """The Retry-After header (seconds or an HTTP date) as a finite, non-negative delay, or None when
    absent or unreadable. Absurd values (a thousand digits, the year 9999) are long, never an error."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return _FOREVER if len(value) > 12 else min(float(value), _FOREVER)
    try:
        when = parsedate_to_datetime(value)
        delay = when.timestamp() - now_epoch
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return min(max(0.0, delay), _FOREVER)


def backoff_seconds(attempts: int, jitter: float) -> float:
    """Exponential backoff after `attempts` attempts: 0.5 s, 1 s, 2 s ... up to 8 s, plus the jitter."""
    doublings = min(max(attempts - 1, 0), _MAX_DOUBLINGS)
    return min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** doublings) + jitter


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    retries: int            # attempts after the first
    retry_after_cap: float  # the longest a Retry-After is honoured for

    def delay(self, fetched: Fetched, attempts: int, *, remaining: float, now_epoch: float,
              rng: random.Random) -> float | None:
        """Seconds to wait before the next attempt, or None when there is to be none: the answer is
        final, the retries are spent, or waiting would outlast the `remaining` seconds of the deadline."""
        policy = retry_policy(fetched)
        if policy is Retry.NO or attempts > self.retries:
            return None
        delay = backoff_seconds(attempts, rng.uniform(0, BACKOFF_BASE))
        if policy is Retry.RETRY_AFTER:
            asked = retry_after_seconds(fetched.headers.get("retry-after"), now_epoch)
            if asked is not None:
                delay = min(asked, self.retry_after_cap)
        if delay >= remaining:
            return None  # waiting would outlast the URL's deadline: the last answer stands
        return delay
