"""Which of the files a run comes across are seed files.

Applied to what discovery yields (load.discover), to the lists of --changed-since and --files-from, and to
the files named on the command line:

* exclude globs, as ruff's `exclude` (replaces the defaults) and `extend-exclude` (adds to them): a glob
  without '/' matches a file or folder name anywhere below the folder walked; one with '/' matches the
  path from the config file's folder (a flag's: the working directory), or a folder above the file.
  They apply to files found in folders and to --changed-since/--files-from lists; a file named as a
  PATH is checked anyway, as ruff does without --force-exclude.
* Documentation files (README, CHANGELOG, LICENSE, CONTRIBUTING, ...) without front matter are not seeds,
  wherever they are; with front matter they are, as Jekyll processes any file that has it. So are Markdown
  files without front matter found in a folder (docs/*.md: Jekyll copies them as they are), and a
  repository's tool files (action.yml, mkdocs.yml, docker-compose.yml, ...) without front matter.
* Whatever seed-validator wrote (written.py) is never a seed, however it is reached.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from .patterns import PathGlobs, compile_path_globs, glob_escape
from .written import HEAD_BYTES, written_by_seed_validator

# The non-hidden entries of ruff's default `exclude` (hidden files and folders are never walked), and
# Jekyll's output folder.
DEFAULT_EXCLUDES = ("__pypackages__", "_build", "_site", "buck-out", "build", "dist", "node_modules",
                    "site-packages", "venv", "*.egg-info")
# File names (before the first dot, any case) of a repository's documentation.
DOCUMENT_NAMES = frozenset({"AUTHORS", "CHANGELOG", "CHANGES", "CODE_OF_CONDUCT", "CONTRIBUTING", "COPYING",
                            "HISTORY", "LICENCE", "LICENSE", "NOTICE", "README", "SECURITY"})
# File names (before the first dot, any case) of a repository's tool files in YAML (.yml, .yaml).
TOOL_NAMES = frozenset({"ACTION", "CITATION", "CODECOV", "COMPOSE", "DOCKER-COMPOSE", "MKDOCS"})
_WILDCARDS = frozenset("*?[")
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)


class Skip(Enum):
    """Why a file is not read as a seed."""

    EXCLUDED = "excluded by a glob"
    DOCUMENT = "documentation without front matter"
    TOOL = "repository tool file without front matter"
    WRITTEN = "written by seed-validator"


@dataclass(frozen=True, slots=True)
class FileFilter:
    """The exclude globs compiled: literal names (a set), other name globs, and globs of whole paths."""

    names: frozenset[str] = frozenset(DEFAULT_EXCLUDES)
    name_globs: PathGlobs | None = None
    path_globs: PathGlobs | None = None

    @classmethod
    def of(cls, globs: Iterable[str], cwd: Path | None = None) -> FileFilter:
        """The filter of these globs; a relative glob with '/' is taken from cwd (default: the working
        directory). PatternError (a ValueError) for a glob that cannot be compiled."""
        names, name_globs, path_globs = set(), [], []
        for glob in dict.fromkeys(anchored(glob, cwd or Path.cwd()) for glob in globs):
            if "/" in glob:
                path_globs.append(glob)
            elif _WILDCARDS & set(glob):
                name_globs.append(glob)
            else:
                names.add(glob)
        return cls(frozenset(names), compile_path_globs(tuple(name_globs)), compile_path_globs(tuple(path_globs)))

    def excluded(self, path: Path, below: Sequence[str] | None = None) -> bool:
        """Whether a glob excludes path: one of its names (`below`: those below the folder walked; default:
        all of them), or the whole path (or a folder above it)."""
        names = path.parts if below is None else below
        if self.names and not self.names.isdisjoint(names):
            return True
        if self.name_globs is not None and any(self.name_globs.match(name) for name in names):
            return True
        return self.path_globs is not None and self.path_globs.match(_absolute(path))

    def skip(self, path: Path, *, named: bool = False, below: Sequence[str] | None = None,
             look: bool = True) -> Skip | None:
        """Why path is not a seed file, or None when it is one (or when only loading it can tell).

        named: given by the user as a PATH (no glob applies; any file's content is looked at). Otherwise only
        Markdown files and documentation names are opened: seed-validator writes no other seed suffix.
        below: the names the name globs are tried on (see excluded). look=False: the globs alone, nothing read.
        """
        if not named and self.excluded(path, below):
            return Skip.EXCLUDED
        if not look:
            return None
        name = path.name
        stem, suffix = name.split(".", 1)[0].upper(), path.suffix.lower()
        document = stem in DOCUMENT_NAMES or (suffix == ".md" and not named)
        tool = stem in TOOL_NAMES and suffix in (".yml", ".yaml")
        if not (named or document or tool or suffix == ".md"):
            return None
        head = _head(path)
        if head is None:
            return None  # unreadable or not a regular file: loading it says why
        if written_by_seed_validator(head):
            return Skip.WRITTEN
        if head.removeprefix(b"\xef\xbb\xbf").startswith(b"---"):
            return None
        return Skip.DOCUMENT if document else Skip.TOOL if tool else None

    def found(self, paths: Iterable[Path], roots: Sequence[Path], skipped: Counter[Skip] | None = None, *,
              look: bool = True) -> Iterator[Path]:
        """The seed files among those discovery found under roots (a root itself is a file named by the user)."""
        root_parts = [root.parts for root in roots]
        for path in paths:
            parts = path.parts
            depth = next((len(r) for r in root_parts if parts[:len(r)] == r), 0)
            reason = self.skip(path, named=depth == len(parts), below=parts[depth:], look=look)
            if reason is None:
                yield path
            elif skipped is not None:
                skipped[reason] += 1

    def listed(self, paths: Iterable[Path], skipped: Counter[Skip] | None = None) -> list[Path]:
        """The seed files of a --changed-since or --files-from list."""
        kept = []
        for path in paths:
            reason = self.skip(path)
            if reason is None:
                kept.append(path)
            elif skipped is not None:
                skipped[reason] += 1
        return kept


def skipped_text(skipped: Counter[Skip]) -> str:
    """'2 written by seed-validator, 1 excluded by a glob' (most first), or '' for none."""
    return ", ".join(f"{n} {reason.value}" for reason, n in skipped.most_common())


def anchored(glob: str, folder: Path) -> str:
    """A glob as matched: a name glob ('build', '*.bak'; a trailing '/' dropped) as it is, an absolute one
    as it is, any other glob with '/' from folder (the config file's, or the working directory)."""
    glob = glob.rstrip("/") or glob
    if "/" not in glob or glob.startswith("/"):
        return glob
    base = glob_escape(_absolute(folder).rstrip("/"))
    return f"{base}/{glob.removeprefix('./')}"


def _absolute(path: Path) -> str:
    """The absolute path with '/', '..' folded; symlinks are not resolved (that would cost a stat per part)."""
    return os.path.abspath(path).replace(os.sep, "/")  # noqa: PTH100


def _head(path: Path) -> bytes | None:
    """The first bytes of a regular file, read without following a final symlink or blocking on a FIFO."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError):
        return None
    try:
        return os.read(fd, HEAD_BYTES) if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except OSError:
        return None
    finally:
        os.close(fd)
