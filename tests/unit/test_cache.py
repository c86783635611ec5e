from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

from validator.check.cache import LinkCache
from validator.models import LinkKind, LinkResult, LinkStatus


def result(status: LinkStatus) -> LinkResult:
    return LinkResult("https://a.example/", LinkKind.PAGE, status, "why", 200, None, ("https://b.example/",), 1, 12,
                      "2026-11-26T12:00:00Z", False, ("a warning",))


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_verdicts_round_trip_and_are_marked_from_cache(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    cache = LinkCache(path, max_age_good=100, max_age_bad=10)
    cache.put("k", result(LinkStatus.REDIRECTED))
    cache.close()
    again = LinkCache(path, max_age_good=100, max_age_bad=10).get("k")
    assert again == dataclasses.replace(result(LinkStatus.REDIRECTED), from_cache=True)


def test_good_and_bad_verdicts_have_their_own_maximum_age(tmp_path: Path) -> None:
    clock = Clock()
    cache = LinkCache(tmp_path / "c.sqlite", max_age_good=100, max_age_bad=10, now=clock)
    cache.put("good", result(LinkStatus.OK))
    cache.put("bad", result(LinkStatus.DEAD))
    clock.now += 50
    assert cache.get("good") is not None and cache.get("bad") is None
    clock.now += 60
    assert cache.get("good") is None


def test_transient_errors_are_not_cached_and_replace_an_older_verdict(tmp_path: Path) -> None:
    cache = LinkCache(tmp_path / "c.sqlite", max_age_good=100, max_age_bad=100)
    cache.put("k", result(LinkStatus.OK))
    cache.put("k", result(LinkStatus.ERROR))
    assert cache.get("k") is None
    cache.put("s", result(LinkStatus.SKIPPED))
    assert cache.get("s") is None


def test_corrupt_cache_file_is_moved_aside_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = LinkCache(path, max_age_good=100, max_age_bad=100)
    cache.put("k", result(LinkStatus.OK))
    assert cache.get("k") is not None
    assert "was unreadable" in cache.notes[0] and (tmp_path / "c.sqlite.corrupt").exists()
    cache.close()


def test_locked_cache_falls_back_to_memory_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    LinkCache(path, max_age_good=100, max_age_bad=100).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        cache = LinkCache(path, max_age_good=100, max_age_bad=100)
        cache.put("k", result(LinkStatus.OK))
        assert cache.get("k") is not None
        assert "is locked by another run" in cache.notes[0]
        cache.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
