"""The article index's file (article_index.py says what it holds and why): read bounded and shape-checked,
written whole.

The file comes from outside the run: restored by actions/cache, written by another version, or named by
a configuration a pull request controls (the `cache` setting's folder). It is read only if it is a regular
file of at most MAX_INDEX_BYTES (a bigger one is refused on its size, unread), parsed as JSON (a file nested
too deep stops the parser, not the run), and used only if every value has exactly the type this version
writes; otherwise it is set aside with a reason, and the run starts a fresh index.

The layout is columns, not an object per file: checking 2,000 entries' types is then a few passes at C
speed (set(map(type, ...))), not a loop in Python, and the index costs the run less than reading the files.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from ..files import NotRegular, TooLarge, cache_folder, read_regular
from .duplicates import ARTICLE_KEYS

FORMAT, FORMAT_VERSION = "seed-validator article index", 1
MAX_INDEX_BYTES = 64 << 20  # some 200 bytes a file: room for 300,000 files; never read past it
STAT_FIELDS = 5  # device, inode, size, mtime_ns, ctime_ns (filekeys.StatKey)
UNSETTLED = (-1, -1, -1, -1, -1)  # no stat key: a file is found by content only (no inode is negative)
_INT, _STR, _LIST = frozenset({int}), frozenset({str}), frozenset({list})


@dataclass(frozen=True, slots=True)
class Columns:
    """The entries of an index, one position per file: its path as walked, stat key (STAT_FIELDS integers
    from position * STAT_FIELDS), content key and article URL identities."""

    paths: Sequence[str] = ()
    stats: Sequence[int] = ()
    contents: Sequence[str] = ()
    identities: Sequence[Sequence[str]] = ()


class Unusable(Exception):
    """The file is not an index this version can use; the message says why."""


def read_index(path: Path, key: dict[str, Any], max_bytes: int = MAX_INDEX_BYTES) -> Columns | None:
    """The entries stored at path for runs of this key; None when there is no index or it was written for
    another key (another version or settings: rebuilt without a word); Unusable when it is not an index."""
    try:
        raw = read_regular(path, min(max_bytes, MAX_INDEX_BYTES))
    except FileNotFoundError:
        return None
    except TooLarge as exc:
        raise Unusable(f"{exc.size:,} bytes, over {min(max_bytes, MAX_INDEX_BYTES):,} for this corpus") from None
    except NotRegular as exc:
        raise Unusable(exc.kind) from None
    except OSError as exc:
        raise Unusable(exc.strerror or str(exc)) from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested past the parser's depth
        raise Unusable("not JSON") from None
    if type(document) is not dict or document.get("format") != FORMAT:
        raise Unusable("not an article index")
    if document.get("version") != FORMAT_VERSION or document.get("key") != key:
        return None
    columns = _columns(document)
    if columns is None:
        raise Unusable("entries of an unexpected shape")
    return columns


def _columns(document: dict[str, Any]) -> Columns | None:
    paths, stats, contents, found = (document.get(name) for name in ("paths", "stats", "contents", "identities"))
    if not (type(paths) is list and type(stats) is list and type(contents) is list and type(found) is list):
        return None
    count = len(paths)
    if len(stats) != count * STAT_FIELDS or len(contents) != count or len(found) != count:
        return None
    if not (set(map(type, paths)) <= _STR and set(map(type, stats)) <= _INT and set(map(type, contents)) <= _STR):
        return None
    if not (set(map(type, found)) <= _LIST and set(map(type, chain.from_iterable(found))) <= _STR):
        return None
    if any(len(urls) > len(ARTICLE_KEYS) for urls in found):  # a file has one article URL per article key
        return None
    return Columns(paths, stats, contents, found)


def write_index(path: Path, key: dict[str, Any], columns: Columns) -> None:
    """Replace the file at path with these entries, whole: a run reading it meanwhile (another pre-commit
    batch) sees the old index or the new one. A symlink at path is replaced, never followed. OSError."""
    document = {"format": FORMAT, "version": FORMAT_VERSION, "key": key, "paths": list(columns.paths),
                "stats": list(columns.stats), "contents": list(columns.contents),
                "identities": [list(found) for found in columns.identities]}
    data = json.dumps(document, separators=(",", ":")).encode("utf-8")
    cache_folder(path.parent)
    # A name of this process's own, created new (O_EXCL) with the mode any new file gets (0666 less the umask).
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
