"""What tells that a file of the working tree is unchanged without reading it: a stat key, and git's blob ids.

A stat key (device, inode, size, mtime and ctime in nanoseconds, from lstat) changes whenever the file is
written, replaced, renamed over or has its times set: the ctime cannot be set back, so an edit that keeps the
size and restores the mtime still changes it. A key is trusted only once it is settled, its times some
seconds before the moment it was taken: a file written within the same clock tick as it was looked at could
change again without its key changing (git's "racily clean" entries).

A fresh checkout (CI) gives every file new times and inodes, so stat keys from an earlier run all differ;
git then says which tracked files are unmodified and the id of their content (a blob id: the SHA-1 of
"blob <size>\\0" and the bytes), without reading them. blob_id gives the same id of bytes read, so either
names the content. git's id is of the file as committed (after its clean filters); it is the work tree's
bytes when the sizes agree and no filter rewrites a file without changing its length (git-lfs and
end-of-line conversion change it).
"""

from __future__ import annotations

import os
import stat
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

# A file's times must be this far behind the moment it was looked at for its stat key to be trusted
# (timestamps come from a coarse clock, and a network file system's from another machine).
SETTLED_NS = 2_000_000_000
_GIT_TIMEOUT = 30.0
# Asked of git whatever the repository's configuration: compare ctimes and every stat field (an edit that
# restores the mtime is seen), no file-system monitor hook (a program the configuration names).
_GIT = ("git", "--literal-pathspecs", "-c", "core.trustctime=true", "-c", "core.checkStat=default",
        "-c", "core.fsmonitor=false")
_REGULAR_MODES = (b"100644", b"100755")

StatKey = tuple[int, int, int, int, int]  # device, inode, size, mtime_ns, ctime_ns


def stat_key(path: str) -> StatKey | None:
    """The stat key of a regular file (lstat: a symlink has none), or None."""
    try:
        status = os.lstat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


def settled(key: StatKey, now_ns: int) -> bool:
    """Whether a key taken at now_ns (time.time_ns) can be trusted: both its times well before it."""
    return max(key[3], key[4]) < now_ns - SETTLED_NS


def now_ns() -> int:
    return time.time_ns()


def blob_id(data: bytes) -> str:
    """git's id of these bytes as a file's content (`git hash-object`)."""
    import hashlib  # noqa: PLC0415  (only when a file must be read: most runs find every file by its stat)

    digest = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


class GitBlobs:
    """The blob ids of the regular files git says are unmodified in the working tree (`git ls-files -s` less
    `git diff-files`), by path as written relative to the working directory; empty when git cannot tell."""

    def __init__(self, top: Path, roots: Iterable[Path]) -> None:
        self._top = str(top)
        self._cwd = os.path.realpath(Path.cwd())
        self._prefix = os.path.relpath(self._cwd, self._top)
        self.ids: dict[str, str] = {}
        specs = [self._name(str(root)) for root in roots]
        if self._prefix.startswith("..") or any(spec is None for spec in specs):
            return  # the working directory or a folder is outside the repository: nothing to ask
        self.ids = _unmodified(self._top, [spec for spec in specs if spec is not None])

    def get(self, path: str) -> str | None:
        name = self._name(path)
        return self.ids.get(name) if name is not None else None

    def _name(self, path: str) -> str | None:
        """path (as written, from the working directory) as git names it, from the top; None outside."""
        # os.path on the strings: a Path per file costs more than git's answer (the files are thousands)
        if not os.path.isabs(path) and ".." not in path.split(os.sep):  # noqa: PTH117, PTH206
            name = os.path.normpath(path)
            return name if self._prefix == "." else f"{self._prefix}/{name}"
        name = os.path.relpath(os.path.join(self._cwd, path), self._top)  # noqa: PTH118
        return None if name.startswith("..") else name.replace(os.sep, "/")


def start_git(top: str, *args: str) -> subprocess.Popen[bytes]:
    """git asked about the repository at top, its output to read with git_output; OSError when there is no git.

    git finds the repository from the top the run reads in: a GIT_DIR or GIT_WORK_TREE of the environment (a
    hook's, a script's) could make it answer for another work tree than the files looked at here."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    return subprocess.Popen([*_GIT, "-C", top, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)


def git_output(process: subprocess.Popen[bytes]) -> bytes | None:
    """What a start_git process printed, or None when it failed or took too long (it is then stopped)."""
    try:
        output, _ = process.communicate(timeout=_GIT_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        process.kill()
        process.wait()
        return None
    return output if process.returncode == 0 else None


def _unmodified(top: str, specs: list[str]) -> dict[str, str]:
    tail = ["-z", "--", *(specs or ["."])]
    try:
        listing = start_git(top, "ls-files", "--stage", "--full-name", *tail)
    except OSError:  # no git
        return {}
    try:
        modified = git_output(start_git(top, "diff-files", "--name-only", *tail))
    except OSError:
        modified = None
    staged = git_output(listing)
    if staged is None or modified is None:
        return {}
    changed = set(modified.split(b"\0"))
    ids = {}
    for record in staged.split(b"\0"):
        info, _, name = record.partition(b"\t")
        mode, _, rest = info.partition(b" ")
        blob, _, stage = rest.partition(b" ")
        if mode in _REGULAR_MODES and stage == b"0" and name not in changed:
            ids[os.fsdecode(name)] = blob.decode("ascii", "replace")
    return ids
