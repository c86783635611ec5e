"""Link verdicts kept between runs in SQLite, so a re-run fetches only what is missing or stale.

The cache file comes from outside the run (restored by actions/cache, written by another version,
left read-only): whatever it holds, the run goes on. An entry this version cannot read is a miss, a
file it cannot use is set aside, a file it cannot write is read into memory; each with one note.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..files import cache_folder
from ..models import CacheClass, LinkResult, LinkStatus
from . import stored
from .stored import UNREADABLE

SCHEMA_VERSION = 1
_COMMIT_EVERY = 200
# SQLite's answers that say the file cannot be written here, not that it is damaged.
_UNWRITABLE = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH", "SQLITE_IOERR")


class LinkCache:
    """A verdict store keyed by (kind, normalised URL, what the record expects of it, the settings that shaped
    it): entries.cache_key."""

    def __init__(self, path: Path | None, *, max_age_good: float, max_age_bad: float,
                 now: Callable[[], float] = time.time) -> None:
        self.path = path
        self.notes: list[str] = []
        self._max_age_good = max_age_good
        self._max_age_bad = max_age_bad
        self._now = now
        self._pending = 0
        self._unreadable_noted = False
        self._db = self._open(path)

    def _open(self, path: Path | None) -> sqlite3.Connection:
        if path is None:
            return self._connect(":memory:")
        try:
            cache_folder(path.parent)
            if path.is_dir():
                raise IsADirectoryError(errno.EISDIR, "a directory is in the way", str(path))
            return self._connect(str(path))
        except sqlite3.DatabaseError as exc:
            if _error_name(exc) in ("SQLITE_BUSY", "SQLITE_LOCKED"):
                self.notes.append(f"link cache {path} is locked by another run ({exc}); using a fresh in-memory "
                                  "cache for this run")
                return self._connect(":memory:")
            if _error_name(exc).startswith(_UNWRITABLE):
                return self._read_only(path, exc)
            return self._set_aside(path, exc)
        except OSError as exc:
            self.notes.append(f"cannot open link cache {path} ({exc.strerror or exc}); using a fresh in-memory "
                              "cache for this run")
            return self._connect(":memory:")

    def _set_aside(self, path: Path, exc: sqlite3.DatabaseError) -> sqlite3.Connection:
        """Not a cache this version can use (damaged, or tables of another shape): moved aside, a fresh one
        in its place."""
        aside = path.with_name(path.name + ".corrupt")
        try:
            path.replace(aside)
            db = self._connect(str(path))
        except (OSError, sqlite3.DatabaseError) as again:
            self.notes.append(f"link cache {path} was unreadable ({exc}) and could not be replaced ({again}); "
                              "using a fresh in-memory cache for this run")
            return self._connect(":memory:")
        self.notes.append(f"link cache {path} was unreadable ({exc}); moved it to {aside.name} and started "
                          "a fresh cache")
        return db

    def _read_only(self, path: Path, exc: sqlite3.DatabaseError) -> sqlite3.Connection:
        """A cache this run cannot write (read-only file, directory or file system): its verdicts are
        copied into memory and used; what this run learns is not kept."""
        try:
            # immutable: a WAL database in a read-only directory cannot be opened otherwise
            source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
            memory = sqlite3.connect(":memory:", timeout=1.0, isolation_level=None)
            try:
                source.backup(memory)
            finally:
                source.close()
            db = self._prepare(memory)
        except sqlite3.DatabaseError:
            self.notes.append(f"link cache {path} cannot be written ({exc}) nor read; using a fresh in-memory "
                              "cache for this run")
            return self._connect(":memory:")
        self.notes.append(f"link cache {path} cannot be written ({exc}); using the verdicts in it, but this "
                          "run's are not kept")
        return db

    @classmethod
    def _connect(cls, target: str) -> sqlite3.Connection:
        return cls._prepare(sqlite3.connect(target, timeout=1.0, isolation_level=None))

    @staticmethod
    def _prepare(db: sqlite3.Connection) -> sqlite3.Connection:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, status TEXT NOT NULL, "
                       "checked REAL NOT NULL, data TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS failures (key TEXT PRIMARY KEY, first REAL NOT NULL, "
                       "last REAL NOT NULL, count INTEGER NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS archive (key TEXT PRIMARY KEY, checked REAL NOT NULL, "
                       "data TEXT NOT NULL)")  # web archive answers (check/archive.py decides what they mean)
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            db.execute("SELECT count(*) FROM verdicts").fetchone()  # reads a page: corruption shows here
            # Tables of these names but another shape (another version's cache) show here.
            db.execute("SELECT key, status, checked, data FROM verdicts LIMIT 0").fetchall()
            db.execute("SELECT key, first, last, count FROM failures LIMIT 0").fetchall()
            db.execute("SELECT key, checked, data FROM archive LIMIT 0").fetchall()
            db.execute("BEGIN")
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _row(self, query: str, key: str) -> Any:
        """The one row query finds for key, or None when there is none or the database failed (then degraded)."""
        try:
            return self._db.execute(query, (key,)).fetchone()
        except sqlite3.DatabaseError as exc:
            self._degrade(exc)
            return None

    def get(self, key: str) -> LinkResult | None:
        row = self._row("SELECT status, checked, data FROM verdicts WHERE key = ?", key)
        if row is None:
            return None
        try:
            checked, result = stored.checked(row[1]), stored.result_of(LinkStatus(row[0]), row[2])
        except UNREADABLE:
            self._unreadable()
            return None
        max_age = self._max_age_good if result.status.cache is CacheClass.GOOD else self._max_age_bad
        if self._now() - checked > max_age:
            return None
        return result

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
        row = self._row("SELECT first, count FROM failures WHERE key = ?", key)
        if row is None:
            return None
        try:
            return stored.checked(row[0]), stored.count(row[1])
        except UNREADABLE:
            self._unreadable()  # written by another version, or damaged: the run of failures starts anew
            return None

    def record_failure(self, key: str, now: float) -> tuple[float, int]:
        """Note one more run in which the URL could not be verified; (first failure, failures in a row)."""
        try:
            row = self._db.execute("SELECT first, count FROM failures WHERE key = ?", (key,)).fetchone()
            first, count = now, 1
            if row is not None:
                try:
                    first, count = stored.checked(row[0]), stored.count(row[1]) + 1
                except UNREADABLE:
                    self._unreadable()  # the count starts again
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

    def get_archive_answer(self, key: str) -> tuple[str, float] | None:
        """A web archive's stored answer and its age in seconds (check/archive.py judges both)."""
        try:
            row = self._db.execute("SELECT data, checked FROM archive WHERE key = ?", (key,)).fetchone()
            return None if row is None else (str(row[0]), self._now() - stored.checked(row[1]))
        except sqlite3.DatabaseError as exc:
            self._degrade(exc)
        except UNREADABLE:
            self._unreadable()  # asked again, and stored anew
        return None

    def put_archive_answer(self, key: str, data: str) -> None:
        try:
            self._db.execute("INSERT OR REPLACE INTO archive VALUES (?, ?, ?)", (key, self._now(), data))
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

    def _unreadable(self) -> None:
        """One note for all the entries this version cannot read, however many there are."""
        if not self._unreadable_noted:
            self._unreadable_noted = True
            self.notes.append(f"link cache {self.path} holds entries this version cannot read (written by another "
                              "version, or damaged); those links were checked again")


def _error_name(exc: sqlite3.DatabaseError) -> str:
    return str(getattr(exc, "sqlite_errorname", "") or "")
