from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path
from typing import Any

from validator.check.cache import LinkCache
from validator.check.entries import VERDICT_SETTINGS, cache_key, settings_fingerprint
from validator.config import LinkSettings
from validator.models import LinkEntry, LinkKind, LinkResult, LinkStatus


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


def written_by_another_version(path: Path, rows: list[tuple[object, object, object, object]]) -> None:
    """A cache as another version (or damage) left it: rows put in with sqlite3 directly."""
    LinkCache(path, max_age_good=100, max_age_bad=100).close()
    db = sqlite3.connect(path)
    db.executemany("INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?)", rows)
    db.commit()
    db.close()


def good_data() -> str:
    return json.dumps({k: v for k, v in dataclasses.asdict(result(LinkStatus.OK)).items() if k != "from_cache"})


KIND_OK = '{"kind": "page", "status": "ok", "reason": "why ok", "warnings": []}'
KIND_MISMATCH = '{"kind": "image", "status": "mismatch", "reason": "not an image", "warnings": []}'


def test_unknown_statuses_and_malformed_rows_are_misses_with_one_note(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    clock = Clock()
    written_by_another_version(path, [
        ("unknown-status", "zombie", clock.now, good_data()),
        ("text-time", "ok", "yesterday", good_data()),
        ("future-forever", "ok", float("inf"), good_data()),
        ("not-json", "ok", clock.now, "{not json"),
        ("a-list", "ok", clock.now, "[1, 2]"),
        ("deep", "ok", clock.now, "[" * 100_000),
        ("wrong-type", "ok", clock.now, good_data().replace('"attempts": 1', '"attempts": "many"')),
        ("unknown-field", "ok", clock.now, good_data().replace("{", '{"colour": "red", ', 1)),
        ("unknown-kind", "ok", clock.now, good_data().replace('"kind": "page"', '"kind": "hologram"')),
        ("redirects-text", "ok", clock.now, good_data().replace('["https://b.example/"]', '"https://b.example/"')),
        # per-kind verdicts that do not add up: a row rewritten to ok hiding its image's mismatch, one kind twice
        ("kinds-contradict", "ok", clock.now, good_data().replace('"kinds": []', '"kinds": [' + KIND_OK + ", "
                                                                  + KIND_MISMATCH + "]")),
        ("kinds-twice", "ok", clock.now, good_data().replace('"kinds": []', f'"kinds": [{KIND_OK}, {KIND_OK}]')),
        ("good", "ok", clock.now, good_data()),
    ])
    cache = LinkCache(path, max_age_good=100, max_age_bad=100, now=clock)
    misses = ["unknown-status", "text-time", "future-forever", "not-json", "a-list", "deep", "wrong-type",
              "unknown-field", "unknown-kind", "redirects-text", "kinds-contradict", "kinds-twice"]
    assert [cache.get(key) for key in misses] == [None] * len(misses)
    assert cache.get("good") == dataclasses.replace(result(LinkStatus.OK), from_cache=True)
    assert cache.notes == [f"link cache {path} holds entries this version cannot read (written by another "
                           "version, or damaged); those links were checked again"]
    cache.put("unknown-status", result(LinkStatus.DEAD))  # the fresh verdict replaces the unreadable one
    assert cache.get("unknown-status") is not None
    cache.close()


def test_a_malformed_failure_count_starts_again(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    LinkCache(path, max_age_good=100, max_age_bad=100).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO failures VALUES ('k', 'long ago', 5.0, 'many')")
    db.commit()
    db.close()
    cache = LinkCache(path, max_age_good=100, max_age_bad=100)
    assert cache.record_failure("k", 1000.0) == (1000.0, 1)
    assert cache.record_failure("k", 2000.0) == (1000.0, 2)
    assert len(cache.notes) == 1 and "cannot read" in cache.notes[0]
    cache.close()


def test_tables_of_another_shape_are_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE verdicts (url TEXT, verdict TEXT)")
    db.execute("INSERT INTO verdicts VALUES ('https://a.example/', 'fine')")
    db.commit()
    db.close()
    cache = LinkCache(path, max_age_good=100, max_age_bad=100)
    cache.put("k", result(LinkStatus.OK))
    assert cache.get("k") is not None
    assert "was unreadable" in cache.notes[0] and (tmp_path / "c.sqlite.corrupt").exists()
    cache.close()


def test_a_directory_where_the_cache_file_should_be_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    (path / "keep").mkdir(parents=True)
    cache = LinkCache(path, max_age_good=100, max_age_bad=100)
    cache.put("k", result(LinkStatus.OK))
    assert cache.get("k") is not None
    assert cache.notes == [f"cannot open link cache {path} (a directory is in the way); using a fresh in-memory "
                           "cache for this run"]
    cache.close()
    assert (path / "keep").is_dir() and not (tmp_path / "c.sqlite.corrupt").exists()


def test_a_file_where_the_cache_directory_should_be(tmp_path: Path) -> None:
    (tmp_path / "cache-dir").write_text("not a directory", encoding="utf-8")
    cache = LinkCache(tmp_path / "cache-dir" / "c.sqlite", max_age_good=100, max_age_bad=100)
    cache.put("k", result(LinkStatus.OK))
    assert cache.get("k") is not None
    assert cache.notes[0].startswith(f"cannot open link cache {tmp_path / 'cache-dir' / 'c.sqlite'}")
    cache.close()


VERDICT_CHANGES: dict[str, Any] = {"accept": (404,), "allow_private": True, "allow_networks": ("10.0.0.0/8",),
                   "max_body_bytes": 1024, "max_redirects": 2, "user_agent": "another agent/1.0",
                   "soft_404_probe": False}


def test_every_setting_that_shapes_a_verdict_is_in_the_cache_key_and_only_those() -> None:
    assert set(VERDICT_CHANGES) == set(VERDICT_SETTINGS)
    plain = LinkEntry("https://news.example/a", LinkKind.PAGE, [])
    default = cache_key(plain, settings_fingerprint(LinkSettings()))
    for name, value in VERDICT_CHANGES.items():
        changed = dataclasses.replace(LinkSettings(), **{name: value})
        assert cache_key(plain, settings_fingerprint(changed)) != default, name
    # Timing, retries and politeness shape only transient outcomes, which are never cached.
    same = dataclasses.replace(LinkSettings(), timeout=3.0, retries=0, per_host=1, persistent_checks=9,
                               accept=(200, 404))
    assert settings_fingerprint(same) == settings_fingerprint(dataclasses.replace(LinkSettings(), accept=(404, 200)))
    assert cache_key(plain, settings_fingerprint(dataclasses.replace(same, accept=()))) == default
