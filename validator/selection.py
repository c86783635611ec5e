"""Which seed files a run checks: all under the paths, those changed since a git ref, or a given list."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import UsageError
from .load import SEED_SUFFIXES


def changed_since(ref: str, paths: Sequence[Path]) -> list[Path]:
    """Seed files under paths added or modified since ref (committed or not, untracked included).

    Renames count as their new name; deleted files are left out: there is nothing to check.
    """
    _git(["rev-parse", "--show-toplevel"], "--changed-since needs a git checkout (no repository here)")
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
         f"--changed-since: unknown git ref '{ref}' (fetch it first, e.g. git fetch origin {ref})")
    specs = [str(p) for p in paths] or ["."]
    # --relative: paths relative to the working directory, like those of ls-files below.
    changed = _git(["diff", "--name-only", "--relative", "-M", "--diff-filter=ACMR", "-z", ref, "--", *specs],
                   "git diff failed").split("\0")
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z", "--", *specs],
                     "git ls-files failed").split("\0")
    files = [Path(name) for name in sorted({n for n in changed + untracked if n})]
    return [path for path in files if path.suffix.lower() in SEED_SUFFIXES and path.is_file()
            and not any(part.startswith(".") for part in path.parts)]


def files_from(source: str) -> list[Path]:
    """Paths listed one per line in a file, or on standard input for '-'; blank lines and # comments skipped."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--files-from: cannot read {source}: {exc.strerror or exc}") from exc
    return [Path(line.strip()) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _git(args: list[str], failure: str) -> str:
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except OSError as exc:
        raise UsageError(f"{failure}: git is not available ({exc.strerror or exc})") from exc
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        raise UsageError(failure + (f" ({detail})" if detail else ""))
    return done.stdout


def repository_root() -> Path:
    """The git top-level of the working directory, or the working directory outside a git checkout."""
    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False)
    except OSError:
        return Path.cwd()
    top = done.stdout.strip()
    return Path(top) if done.returncode == 0 and top else Path.cwd()
