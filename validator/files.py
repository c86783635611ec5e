"""Reading a file safely: regular files only, never blocking, never more than the byte limit.

A seed corpus comes from strangers' pull requests: a "seed" may be a FIFO (opening it for reading waits
for a writer), a symlink to /dev/zero (endless, stat says 0 bytes) or a /proc file (stat says 0 bytes,
reading gives more). Every read of a seed file, for validation and for corpus-wide scans alike, goes
through read_bounded.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
_CHUNK = 1024 * 1024  # read in pieces: a huge --max-file-size never means one huge allocation up front
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a path was not read: the finding's rule id and message."""

    rule: str
    message: str


def unreadable(exc: OSError, what: str = "file") -> Refusal:
    """A failed system call on a path as a finding ('File name too long' for a path too long to open)."""
    return Refusal("yaml/unreadable", f"cannot read {what}: {exc.strerror or exc}")


def read_bounded(path: Path | str, max_bytes: int) -> bytes | Refusal:
    """The bytes of a regular file of at most max_bytes, or why it was not read.

    The type is checked before opening (a device or FIFO is never opened) and again on the opened
    descriptor (the path may have been swapped in between); the descriptor is opened non-blocking,
    and at most max_bytes + 1 bytes are read whatever the size stat reports.
    """
    try:
        refusal = _refuse(os.stat(path), max_bytes)
        if refusal is not None:
            return refusal
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        return unreadable(exc)
    try:
        status = os.fstat(fd)
        refusal = _refuse(status, max_bytes)
        if refusal is not None:
            return refusal
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        return unreadable(exc)
    finally:
        os.close(fd)
    if total > max_bytes:
        return Refusal("yaml/too-large", f"file holds more than {max_bytes:,} bytes (its size reads as "
                                         f"{status.st_size:,}), over the limit (raise --max-file-size to check it)")
    return b"".join(chunks)


def _refuse(status: os.stat_result, max_bytes: int) -> Refusal | None:
    mode = status.st_mode
    if stat.S_ISREG(mode):
        if status.st_size > max_bytes:
            return Refusal("yaml/too-large", f"file is {status.st_size:,} bytes, over the limit of {max_bytes:,} "
                                             "(raise --max-file-size to check it)")
        return None
    if stat.S_ISDIR(mode):
        return Refusal("yaml/unreadable", "cannot read file: Is a directory")
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return Refusal("yaml/not-a-file", f"{kind}, not a regular file: not read")
