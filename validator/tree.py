"""Which files a run may read and how folders are walked: confined to the working tree, iteratively.

The working tree is the git top-level of the current directory (else the directory itself). Every path
a run reads, the folders and files it was given included, must really lie inside it: a symlink that
leads out (to /etc/passwd, a secrets file, /dev/zero) is reported and not read unless
--follow-symlinks says so. Where a path leads is worked out once per directory and cached, so walking
stays linear in the number of entries however deep the folders go.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from .files import Refusal, read_bounded, unreadable

SEED_SUFFIXES = frozenset({".txt", ".md", ".yaml", ".yml"})
OUTSIDE_RULE = "yaml/outside-tree"
_LEAVES_TREE = "symlink leaves the tree: not read (--follow-symlinks reads what it points to)"


REPOSITORY_MARKERS = (".git", ".hg")


def repository_top(start: Path) -> Path | None:
    """The repository start is in: the nearest folder, from start upward, holding .git (a folder, or the file
    of a git worktree or submodule) or .hg; None outside a repository. No git process: every run asks this."""
    return next((folder for folder in (start, *start.parents)
                 if any(os.path.lexists(folder / marker) for marker in REPOSITORY_MARKERS)), None)


def working_tree(directory: Path | None = None) -> Path:
    """The root a run reads within, that config discovery stops at and SARIF paths start from: the top of the
    repository holding directory (default: the working directory), else directory itself; symlinks resolved."""
    start = Path(os.path.realpath(directory if directory is not None else os.getcwd()))
    return repository_top(start) or start


class Tree:
    """The run's reading boundary: answers "may this path be read?" and walks folders within it."""

    def __init__(self, root: Path, *, follow_symlinks: bool = False, confined: bool = True) -> None:
        self.root = os.path.realpath(root)
        self.follow_symlinks = follow_symlinks
        self.confined = confined
        self._prefix = self.root.rstrip("/") + "/"
        self._real_dirs: dict[str, str] = {}  # directory as written → where it really is
        self._refused: dict[str, Refusal] = {}  # what the walk already found it cannot read

    @classmethod
    def working(cls, *, follow_symlinks: bool = False) -> Tree:
        """The tree a run reads: the working tree (see working_tree)."""
        return cls(working_tree(), follow_symlinks=follow_symlinks)

    @classmethod
    def unconfined(cls) -> Tree:
        """A tree that reads anything it is given and follows every symlink (library use, tests)."""
        return cls(Path("/"), follow_symlinks=True, confined=False)

    def read(self, path: Path, max_bytes: int) -> bytes | Refusal:
        """The bytes of path when it may be read (see files.read_bounded), or why not."""
        refusal = self.refusal(path)
        return refusal if refusal is not None else read_bounded(path, max_bytes)

    def refusal(self, path: Path) -> Refusal | None:
        """Why path must not be read, or None. A path that cannot even be looked at is left to the read."""
        known = self._refused.get(str(path))
        if known is not None or not self.confined:
            return known
        try:
            real = self._real_path(path)
        except OSError:
            return None
        if self._inside(real):
            return None
        if not self._inside(os.path.abspath(path)):  # named outside, not led there by a symlink
            return Refusal(OUTSIDE_RULE, f"outside the working tree ({self.root}): not read")
        return None if self.follow_symlinks else Refusal(OUTSIDE_RULE, _LEAVES_TREE)

    def walk(self, paths: Iterable[Path], *, skip: Iterable[Path] = ()) -> Iterator[Path]:
        """Seed files under the given paths, sorted; hidden entries, other extensions and the `skip` folders
        (the run's own report folder) left out when walking folders.

        A path named explicitly is always yielded, so a missing or odd file still gets its own finding; so
        is a folder that cannot be listed and a symlink to a folder outside the tree (read() says why).
        Each real folder is walked once, so symlink cycles end.
        """
        skipped = {os.path.realpath(folder) for folder in skip}
        visited: set[str] = set()
        for path in paths:
            if not is_folder(path) or self.refusal(path) is not None:
                yield path
                continue
            yield from self._walk(path, self._real_dir(str(path)), visited, skipped)

    def _walk(self, top: Path, real_top: str, visited: set[str], skipped: set[str]) -> Iterator[Path]:
        stack = [(top, real_top)]
        while stack:
            folder, real = stack.pop()
            if real in visited or real in skipped:
                continue
            visited.add(real)
            self._real_dirs[str(folder)] = real
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda entry: entry.name)
            except OSError as exc:
                self._refused[str(folder)] = unreadable(exc, "folder")
                yield folder
                continue
            subfolders = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                path = folder / entry.name
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append((path, os.path.join(real, entry.name)))
                elif entry.is_symlink() and _leads_to_folder(entry):
                    target = os.path.realpath(path)
                    if self.follow_symlinks or self._inside(target):
                        subfolders.append((path, target))
                    else:
                        self._refused[str(path)] = Refusal(OUTSIDE_RULE, _LEAVES_TREE)
                        yield path
                elif os.path.splitext(entry.name)[1].lower() in SEED_SUFFIXES:
                    yield path
            stack.extend(reversed(subfolders))

    def leads_out(self, path: Path) -> bool:
        """Whether path, named inside the tree, is led out of it by a symlink (one committed in place of a
        folder the run writes to): only a confined tree that does not follow symlinks says so."""
        named = os.path.abspath(path)
        return (self.confined and not self.follow_symlinks and self._inside(named)
                and not self._inside(os.path.realpath(named)))

    def _inside(self, real: str) -> bool:
        return real == self.root or real.startswith(self._prefix)

    def _real_path(self, path: Path) -> str:
        """Where path really leads: its folder from the cache, then one lstat for the last step."""
        if path.name in ("", ".", ".."):
            return os.path.realpath(path)
        folder = self._real_dir(str(path.parent))
        if stat.S_ISLNK(os.lstat(path).st_mode):
            return os.path.realpath(path)
        return os.path.join(folder, path.name)

    def _real_dir(self, folder: str) -> str:
        """Where folder really is, building on the nearest cached ancestor (one lstat per new folder)."""
        pending: list[str] = []
        current = folder
        while current not in self._real_dirs:
            head, name = os.path.split(current)
            if name in ("", ".", "..") or ".." in head.split(os.sep):
                self._real_dirs[current] = os.path.realpath(current)
                break
            pending.append(current)
            current = head or "."
        real = self._real_dirs[current]
        for current in reversed(pending):
            if stat.S_ISLNK(os.lstat(current).st_mode):
                real = os.path.realpath(current)
            else:
                real = os.path.join(real, os.path.basename(current))
            self._real_dirs[current] = real
        return real


def is_folder(path: Path) -> bool:
    """Whether path leads to a folder; False for a path that cannot even be looked at (too long, a loop)."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def _leads_to_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def discover(paths: Iterable[Path], *, skip: Iterable[Path] = ()) -> Iterator[Path]:
    """Seed files under the given paths (see Tree.walk), with no confinement."""
    return Tree.unconfined().walk(paths, skip=skip)


def display_path(path: Path) -> str:
    """The path as reports show it: relative to the working directory when inside it, with '/'; bytes that
    are not UTF-8 in a file name are shown escaped ('\\xff'), never passed on raw."""
    text = path.as_posix()
    if path.is_absolute() or ".." in path.parts:
        real, cwd = os.path.realpath(path), os.getcwd()
        if real == cwd or real.startswith(cwd.rstrip("/") + "/"):
            text = Path(os.path.relpath(real, cwd)).as_posix()
    return text if text.isascii() else _escape_undecodable(text)


def _escape_undecodable(text: str) -> str:
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
