"""Link verdicts kept between runs in SQLite, so a re-run fetches only what is missing or stale."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from ..models import CacheClass, KindVerdict, LinkKind, LinkResult, LinkStatus

SCHEMA_VERSION = 1
_COMMIT_EVERY = 200


class LinkCache:
    """A verdict store keyed by (kind, normalised URL, what the record expects of it)."""

    def __init__(self, path: Path | None, *, max_age_good: float, max_age_bad: float,
                 now: Callable[[], float] = time.time) -> None:
        self.path = path
        self.notes: list[str] = []
        self._max_age_good = max_age_good
        self._max_age_bad = max_age_bad
        self._now = now
        self._pending = 0
        self._db = self._open(path)

    def _open(self, path: Path | None) -> sqlite3.Connection:
        if path is None:
            return self._connect(":memory:")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return self._connect(str(path))
        except sqlite3.DatabaseError as exc:
            if _is_locked(exc):
                self.notes.append(f"link cache {path} is locked by another run ({exc}); using a fresh in-memory "
                                  "cache for this run")
                return self._connect(":memory:")
            aside = path.with_name(path.name + ".corrupt")
            path.replace(aside)
            self.notes.append(f"link cache {path} was unreadable ({exc}); moved it to {aside.name} and started "
                              "a fresh cache")
            return self._connect(str(path))
        except OSError as exc:
            self.notes.append(f"cannot open link cache {path} ({exc.strerror or exc}); using a fresh in-memory "
                              "cache for this run")
            return self._connect(":memory:")

    @staticmethod
    def _connect(target: str) -> sqlite3.Connection:
        db = sqlite3.connect(target, timeout=1.0, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, status TEXT NOT NULL, "
                       "checked REAL NOT NULL, data TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS failures (key TEXT PRIMARY KEY, first REAL NOT NULL, "
                       "last REAL NOT NULL, count INTEGER NOT NULL)")
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            db.execute("SELECT count(*) FROM verdicts").fetchone()  # reads a page: corruption shows here
            db.execute("BEGIN")
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def get(self, key: str) -> LinkResult | None:
        try:
            row = self._db.execute("SELECT status, checked, data FROM verdicts WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as exc:
            self._degrade(exc)
            return None
        if row is None:
            return None
        status, checked, data = LinkStatus(row[0]), float(row[1]), row[2]
        max_age = self._max_age_good if status.cache is CacheClass.GOOD else self._max_age_bad
        if self._now() - checked > max_age:
            return None
        try:
            fields = json.loads(data)
            fields["kind"] = LinkKind(fields["kind"])
            fields["status"] = status
            fields["redirects"] = tuple(fields["redirects"])
            fields["warnings"] = tuple(fields["warnings"])
            fields["kinds"] = tuple(KindVerdict(LinkKind(k["kind"]), LinkStatus(k["status"]), k["reason"],
                                                tuple(k["warnings"])) for k in fields.get("kinds", ()))
            return dataclasses.replace(LinkResult(**fields), from_cache=True)
        except (ValueError, TypeError, KeyError):
            return None  # written by another version: fetch again

    def put(self, key: str, result: LinkResult) -> None:
        # Transient outcomes are not verdicts: caching them would freeze a one-off timeout into the next run.
        if result.status.cache is CacheClass.NEVER:
            self.forget(key)
            return
        data = json.dumps({k: v for k, v in dataclasses.asdict(result).items() if k != "from_cache"})
        try:
            self._db.execute("INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?)",
                             (key, result.status.value, self._now(), data))
        except sqlite3.DatabaseError as exc:
            self._degrade(exc)
            return
        self._pending += 1
        if self._pending >= _COMMIT_EVERY:
            self.commit()

    def forget(self, key: str) -> None:
        try:
            self._db.execute("DELETE FROM verdicts WHERE key = ?", (key,))
        except sqlite3.DatabaseError as exc:
            self._degrade(exc)

    def failures(self, key: str) -> tuple[float, int] | None:
        """The URL's run of failed checks so far: (first failure, failures in a row), or None."""
        try:
            row = self._db.execute("SELECT first, count FROM failures WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as exc:
            self._degrade(exc)
            return None
        if row is None:
            return None
        try:
            return float(row[0]), int(row[1])
        except (TypeError, ValueError):
            return None  # written by another version: the run of failures starts anew

    def record_failure(self, key: str, now: float) -> tuple[float, int]:
        """Note one more run in which the URL could not be verified; (first failure, failures in a row)."""
        try:
            row = self._db.execute("SELECT first, count FROM failures WHERE key = ?", (key,)).fetchone()
            first, count = (float(row[0]), int(row[1]) + 1) if row else (now, 1)
            self._db.execute("INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?)", (key, first, now, count))
        except sqlite3.DatabaseError as exc:
            self._degrade(exc)
            return now, 1
        return first, count

    def clear_failure(self, key: str) -> None:
        """The URL answered: its run of failures is over."""
        try:
            self._db.execute("DELETE FROM failures WHERE key = ?", (key,))
        except sqlite3.DatabaseError as exc:
            self._degrade(exc)

    def commit(self) -> None:
        """Make everything put so far durable: an interrupted run keeps what it learned."""
        try:
            self._db.execute("COMMIT")
            self._db.execute("BEGIN")
        except sqlite3.DatabaseError as exc:
            self._degrade(exc)
        self._pending = 0

    def close(self) -> None:
        self.commit()
        self._db.close()  # the empty transaction commit() opened is simply dropped

    def _degrade(self, exc: sqlite3.DatabaseError) -> None:
        self.notes.append(f"link cache failed during the run ({exc}); continuing without it")
        self._db.close()
        self._db = self._connect(":memory:")


def _is_locked(exc: sqlite3.DatabaseError) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and getattr(exc, "sqlite_errorname", "") in (
        "SQLITE_BUSY", "SQLITE_LOCKED")
