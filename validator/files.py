"""Reading a file safely: regular files only, never blocking, never more than the byte limit.

A seed corpus comes from strangers' pull requests: a "seed" may be a FIFO (opening it for reading waits
for a writer), a symlink to /dev/zero (endless, stat says 0 bytes) or a /proc file (stat says 0 bytes,
reading gives more). Every read of a seed file, for validation and for corpus-wide scans alike, goes
through read_bounded.
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
_CHUNK = 1024 * 1024  # read in pieces: a huge --max-file-size never means one huge allocation up front
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_DIRECTORY = "a directory"


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a path was not read: the finding's rule id and message."""

    rule: str
    message: str


def unreadable(exc: OSError, what: str = "file") -> Refusal:
    """A failed system call on a path as a finding ('File name too long' for a path too long to open)."""
    return Refusal("yaml/unreadable", f"cannot read {what}: {exc.strerror or exc}")


class NotRegular(Exception):
    """The path is not a regular file: kind says what it is ("a directory", "a FIFO (named pipe)", ...)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class TooLarge(Exception):
    """The file holds more than the limit: size is what stat says, grown whether reading found more."""

    def __init__(self, size: int, *, grown: bool) -> None:
        super().__init__(size)
        self.size = size
        self.grown = grown


def read_bounded(path: Path | str, max_bytes: int) -> bytes | Refusal:
    """The bytes of a regular file of at most max_bytes, or why it was not read (see read_regular)."""
    try:
        return read_regular(path, max_bytes)
    except NotRegular as exc:
        if exc.kind == _DIRECTORY:
            return Refusal("yaml/unreadable", "cannot read file: Is a directory")
        return Refusal("yaml/not-a-file", f"{exc.kind}, not a regular file: not read")
    except TooLarge as exc:
        if exc.grown:
            return Refusal("yaml/too-large", f"file holds more than {max_bytes:,} bytes (its size reads as "
                                             f"{exc.size:,}), over the limit (raise --max-file-size to check it)")
        return Refusal("yaml/too-large", f"file is {exc.size:,} bytes, over the limit of {max_bytes:,} "
                                         "(raise --max-file-size to check it)")
    except OSError as exc:
        return unreadable(exc)


def read_regular(path: Path | str, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most max_bytes; NotRegular, TooLarge or OSError otherwise.

    The type is checked before opening (a device or FIFO is never opened) and again on the opened
    descriptor (the path may have been swapped in between); the descriptor is opened non-blocking,
    and at most max_bytes + 1 bytes are read, a piece at a time, whatever the size stat reports.
    Every untrusted file is read through here: seed files and corpus scans (read_bounded), and the
    JSON files a run is given (jsonfile).
    """
    _check(os.stat(path), max_bytes)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        status = os.fstat(fd)
        _check(status, max_bytes)
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > max_bytes:
        raise TooLarge(status.st_size, grown=True)
    return b"".join(chunks)


def _check(status: os.stat_result, max_bytes: int) -> None:
    mode = status.st_mode
    if stat.S_ISREG(mode):
        if status.st_size > max_bytes:
            raise TooLarge(status.st_size, grown=False)
        return
    if stat.S_ISDIR(mode):
        raise NotRegular(_DIRECTORY)
    raise NotRegular(next((name for test, name in _KINDS if test(mode)), "not a regular file"))


def cache_folder(folder: Path) -> None:
    """Make a cache folder (the link cache's, the article index's) that git ignores by itself: a `.gitignore`
    of `*` in it when the run makes it, as pytest, mypy and ruff do, so `git add -A` never commits a cache.
    OSError."""
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        (folder / ".gitignore").write_text("# made by seed-validator: its caches are never committed\n*\n",
                                           encoding="utf-8")


def cache_file(path: Path) -> Path:
    """The link cache's file for the `cache` setting: path, or in it the default file's name when it names a
    folder (`--cache .seed-validator`: the article index kept beside it then goes in that folder, not its parent)."""
    return path / "cache.sqlite" if path.is_dir() else path
