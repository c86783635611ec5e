"""The retry policy and its waits (check/retry.py): pure, whatever the server sends."""

from __future__ import annotations

import random
from email.utils import format_datetime

import pytest

from tests.linkcheck import NOW
from validator.check.attempt import Failure, Fetched
from validator.check.retry import BACKOFF_CAP, Retry, RetryPolicy, backoff_seconds, retry_after_seconds, retry_policy

EPOCH = NOW.timestamp()


@pytest.mark.parametrize("fetched, policy", [
    (Fetched("u", status=503), Retry.BACKOFF),
    (Fetched("u", status=503, headers={"retry-after": "2"}), Retry.RETRY_AFTER),
    (Fetched("u", status=429), Retry.RETRY_AFTER),
    (Fetched("u", status=408), Retry.BACKOFF),
    (Fetched("u", status=404), Retry.NO),
    (Fetched("u", status=200), Retry.NO),
    (Fetched("u", failure=Failure.READ_TIMEOUT), Retry.BACKOFF),
    (Fetched("u", failure=Failure.RESET), Retry.BACKOFF),
    (Fetched("u", failure=Failure.CONNECT_REFUSED), Retry.NO),
    (Fetched("u", failure=Failure.DNS_NXDOMAIN), Retry.NO),
    (Fetched("u", failure=Failure.TLS), Retry.NO),
])
def test_what_is_retried(fetched: Fetched, policy: Retry) -> None:
    assert retry_policy(fetched) is policy


def test_retry_after_in_seconds_and_as_a_date() -> None:
    assert retry_after_seconds("3", EPOCH) == 3.0
    assert retry_after_seconds(" 120 ", EPOCH) == 120.0
    in_a_minute = format_datetime(NOW.replace(minute=1), usegmt=True)
    assert retry_after_seconds(in_a_minute, EPOCH) == 60.0
    assert retry_after_seconds(format_datetime(NOW.replace(year=2020), usegmt=True), EPOCH) == 0.0
    assert retry_after_seconds(None, EPOCH) is None
    assert retry_after_seconds("", EPOCH) is None


@pytest.mark.parametrize("value", [
    "9" * 5000,                               # past Python's int-conversion digit limit
    "99999999999999999999",                   # past any timestamp
    "Fri, 31 Dec 9999 23:59:59 GMT",          # the last date there is
])
def test_absurd_retry_after_values_are_long_finite_delays(value: str) -> None:
    delay = retry_after_seconds(value, EPOCH)
    assert delay is not None and 86400 < delay < float("inf")


@pytest.mark.parametrize("value", [
    "²", "٣", "-5", "1.5", "soon", "Mon, 99999999999999999999999 Jan 2020 00:00:00 GMT",
    "Mon, 01 Jan 99999 00:00:00 GMT", "Mon, 01 Foo 2020 00:00:00 GMT", "\x00", "Mon,",
])
def test_unreadable_retry_after_values_are_ignored_not_a_crash(value: str) -> None:
    delay = retry_after_seconds(value, EPOCH)
    assert delay is None or 0 <= delay < float("inf")


def test_backoff_doubles_up_to_its_cap_whatever_the_number_of_attempts() -> None:
    assert [backoff_seconds(n, 0.0) for n in (1, 2, 3, 4, 5, 6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert backoff_seconds(100_000, 0.25) == BACKOFF_CAP + 0.25


def test_many_retries_and_a_huge_retry_after_give_capped_delays() -> None:
    policy = RetryPolicy(retries=10**9, retry_after_cap=5.0)
    rng = random.Random(1)
    busy = Fetched("u", status=503)
    assert policy.delay(busy, 5000, remaining=60.0, now_epoch=EPOCH, rng=rng) == pytest.approx(BACKOFF_CAP, abs=0.5)
    limited = Fetched("u", status=429, headers={"retry-after": "9" * 5000})
    assert policy.delay(limited, 5000, remaining=60.0, now_epoch=EPOCH, rng=rng) == 5.0


def test_no_retry_past_the_retries_or_the_deadline() -> None:
    policy = RetryPolicy(retries=2, retry_after_cap=60.0)
    rng = random.Random(1)
    busy = Fetched("u", status=503)
    assert policy.delay(busy, 2, remaining=60.0, now_epoch=EPOCH, rng=rng) is not None
    assert policy.delay(busy, 3, remaining=60.0, now_epoch=EPOCH, rng=rng) is None
    assert policy.delay(busy, 1, remaining=0.4, now_epoch=EPOCH, rng=rng) is None
    assert policy.delay(Fetched("u", status=404), 1, remaining=60.0, now_epoch=EPOCH, rng=rng) is None
