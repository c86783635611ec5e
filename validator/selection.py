"""Which seed files a run checks: all under the paths, those changed since a git ref, or a given list."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import UsageError
from .options import shown
from .tree import SEED_SUFFIXES

_MAX_SHOWN_PATH = 200
_MAX_LIST = 64 << 20  # --files-from: a million paths and more


def changed_since(ref: str, paths: Sequence[Path]) -> list[Path]:
    """Seed files under paths added or modified since ref (committed or not, untracked included).

    Renames count as their new name; deleted files are left out: there is nothing to check.
    """
    specs = [str(p) for p in paths] or ["."]
    # --relative: paths relative to the working directory, like those of ls-files, which runs meanwhile (it
    # takes no ref). The ref reaches `git diff` only once rev-parse has found it a commit (never an option).
    untracked_listing = _start_git(["ls-files", "--others", "--exclude-standard", "-z", "--", *specs])
    try:
        unknown = f"--changed-since: unknown git ref '{ref}' (fetch it first, e.g. git fetch origin {ref})"
        try:
            _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], unknown)
        except UsageError:  # which: no repository, or no such ref (asked only then: a git process costs ~5 ms)
            _git(["rev-parse", "--show-toplevel"], "--changed-since needs a git checkout (no repository here)")
            _git(["rev-parse", "--verify", "--quiet", "HEAD"],
                 "--changed-since: the repository has no commit yet (commit once, or check the folders instead)")
            raise
        changed = _git(["diff", "--name-only", "--relative", "-M", "--diff-filter=ACMR", "-z", ref, "--", *specs],
                       "git diff failed").split("\0")
    except BaseException:
        if isinstance(untracked_listing, subprocess.Popen):  # a failure leaves no process behind
            untracked_listing.kill()
            untracked_listing.communicate()
        raise
    untracked = _finish_git(untracked_listing, "git ls-files failed").split("\0")
    files = [Path(name) for name in sorted({n for n in changed + untracked if n})]
    # Not only regular files: a changed symlink or FIFO gets its own finding (outside the tree, not a file).
    return [path for path in seed_candidates(files) if _present(path)]


def seed_candidates(paths: Sequence[Path]) -> list[Path]:
    """The paths of a list that discovery would consider: a seed suffix, no hidden file or folder."""
    return [path for path in paths if path.suffix.lower() in SEED_SUFFIXES
            and not any(part.startswith(".") and part not in (".", "..") for part in path.parts)]


def existing(paths: Sequence[Path]) -> list[Path]:
    """The paths, all of which exist; UsageError naming those that do not (a list says what to check)."""
    missing = [path for path in paths if not os.path.lexists(path)]
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise UsageError(f"--files-from: {shown_path(missing[0])}{more}: no such file (list the files to check; "
                         "leave deleted ones out, e.g. git diff --name-only --diff-filter=d)")
    return list(paths)


def _present(path: Path) -> bool:
    try:
        return path.is_symlink() or (path.exists() and not path.is_dir())
    except OSError:
        return True  # a path too long to look at: its finding says so


def files_from(source: str) -> list[Path]:
    """Paths listed one per line in a file, or on standard input for '-'; blank lines and # comments skipped.
    The list is the user's own (a file, a pipe, `<(git diff --name-only)`), read up to _MAX_LIST bytes; names
    that are not UTF-8 are taken byte for byte, as the file system gives them (surrogateescape)."""
    try:
        if source == "-":
            stream = getattr(sys.stdin, "buffer", None)
            data = stream.read(_MAX_LIST + 1) if stream is not None else sys.stdin.read(_MAX_LIST + 1).encode()
        else:
            with Path(source).open("rb") as listing:
                data = listing.read(_MAX_LIST + 1)
    except OSError as exc:
        raise UsageError(f"--files-from: cannot read {source}: {exc.strerror or exc}") from exc
    if len(data) > _MAX_LIST:
        raise UsageError(f"--files-from: {source} holds more than {_MAX_LIST >> 20} MiB of names; name the folders "
                         "instead, or split the list over several runs")
    text = data.decode("utf-8", "surrogateescape")
    return [Path(line.strip()) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def shown_path(path: Path) -> str:
    """A path for a one-line message: as written when printable and short, else quoted and cut."""
    text = str(path)
    return text if text.isprintable() and len(text) <= _MAX_SHOWN_PATH else shown(text)


def _git(args: list[str], failure: str) -> str:
    return _finish_git(_start_git(args), failure)


def _start_git(args: list[str]) -> subprocess.Popen[str] | OSError:
    try:
        return subprocess.Popen(["git", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        return exc


def _finish_git(started: subprocess.Popen[str] | OSError, failure: str) -> str:
    if isinstance(started, OSError):
        raise UsageError(f"{failure}: git is not available ({started.strerror or started})")
    stdout, stderr = started.communicate()
    if started.returncode != 0:
        detail = stderr.strip().splitlines()[-1] if stderr.strip() else ""
        raise UsageError(failure + (f" ({detail})" if detail else ""))
    return stdout
