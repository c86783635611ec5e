"""The article index: the duplicate rule's view of the corpus (each file's article URL identities) kept
between runs, so that a run over some files (--changed-since, files named, pre-commit's batches) does not
read again the files it does not check.

It lives with the duplicate rule because what it keeps is that rule's answer for a file
(duplicates.identities of duplicates.article_urls_in), and only the rule knows when that answer may change
(SCAN_VERSION); how a file is known to be unchanged is the file layer's (filekeys.py), how the index is
stored, index_store.py's.

Per file as walked it keeps its stat key (when settled), its content key and its identities. A content key
is the file's kind (front matter or plain YAML: the suffix decides how it is scanned), git's blob id of its
bytes and its size, so the identities are a function of the content key alone. A file whose stat key
matches is not looked at; one whose stat key does not (edited, renamed, a fresh checkout) is found by its
content key, taken from git when git says the file is unmodified, else by reading and hashing it; only
content the index does not hold is scanned. The whole index is dropped when what a scan answers may
differ: another tool version, another index format, another max-file-size, another SCAN_VERSION, another
Python (urls.normalise stands on urllib.parse).

A forged index never touches what the run checks (those files are read and parsed fresh): it can at most
hide or invent a duplicate-article warning naming a file this run does not check, and only a file that is
really there (entries are looked up by the file's own stat or content key).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Collection, Sequence
from pathlib import Path

from .. import __version__
from ..filekeys import GitBlobs, StatKey, blob_id, git_output, now_ns, settled, start_git, stat_key
from ..load import PLAIN_YAML_SUFFIXES
from ..tree import Tree, repository_top
from .duplicates import SCAN_VERSION, article_urls_in, identities
from .index_store import STAT_FIELDS, UNSETTLED, Columns, Unusable, read_index, write_index

INDEX_NAME = "article-index.json"
# An index is read up to this many bytes (a file's entry is some 200 bytes): a forged one costs memory in
# proportion to the corpus, not to whatever it holds.
BYTES_BASE, BYTES_PER_FILE = 1 << 20, 4096
# Files not found by their stat key from which on git is asked which files are unmodified (a few ms for
# git's two processes; reading and hashing costs some 25 µs a file).
GIT_FROM = 64
# Entries changed (edited, new, gone) from which on the index is written again: fewer are found by content
# at the next run for less than writing the whole index costs.
SAVE_FROM = 32

Found = Sequence[str] | Exception  # a file's identities, or what went wrong scanning it
_New = tuple[StatKey, str, Sequence[str]]  # what the index will hold for a file: stat key, content key, identities


def index_file(cache_file: Path | None) -> Path | None:
    """Where the index of a run lives: beside its link cache (None: --no-cache, no index)."""
    return cache_file.parent / INDEX_NAME if cache_file is not None else None


class ArticleIndex:
    """The index at path (None: none is read or written), for runs reading files of at most max_bytes.

    create: whether the run may create the index's folder. A run that checks links creates it for the link
    cache anyway; an offline run writes nothing but its reports unless the folder is already there (a CI
    cache restored it, or a run with links made it): it keeps the index in it then.
    """

    def __init__(self, path: Path | None, *, max_bytes: int, create: bool = True) -> None:
        self.path = path if create or path is None or path.parent.is_dir() else None  # no folder: no index
        self.notes: list[str] = []
        self._max_bytes = max_bytes
        # urls.normalise stands on urllib.parse, whose answers a Python release may change (security fixes).
        self._key = {"tool": __version__, "scan": SCAN_VERSION, "python": ".".join(map(str, sys.version_info[:3])),
                     "max_file_size": max_bytes}
        self._old = Columns()
        self._fresh = True  # nothing usable was read: whatever is found is written
        self._new: dict[str, _New] = {}
        self._saving = False
        self._tracked = _ask_git_if_tracked(self.path) if self.path is not None else None

    def _open(self, tree: Tree, files: int) -> None:
        """Read the index for a corpus of this many files (its size bounded by theirs), unless it is not the
        run's own to use: led out of the working tree by a symlink, or committed (a pull request's)."""
        if self.path is None:
            return
        refusal = _not_ours(self.path, tree, self._tracked)
        self._tracked = None
        if refusal is not None:
            self._note(f"article index {self.path} {refusal}: not used; runs over some files read the whole corpus")
            self.path = None
            return
        try:
            self._old = read_index(self.path, self._key, BYTES_BASE + BYTES_PER_FILE * files) or Columns()
            self._fresh = not self._old.paths
        except Unusable as exc:
            if self.path.is_dir() and not self.path.is_symlink():  # nothing can be written in its place
                self._note(f"article index {self.path} is a directory: not used; remove it")
                self.path = None
                return
            self._note(f"article index {self.path} was not usable ({exc}); rebuilt it")

    def identities(self, paths: Sequence[Path], tree: Tree, *, roots: Collection[Path] = ()) -> list[Found]:
        """The article URL identities of each file, in order. A file given as a root itself (not found in a
        folder) is read through the tree each time: only files a confined walk found are taken on their keys."""
        started = now_ns()
        self._open(tree, len(paths))
        old = self._old
        at_path = dict(zip(old.paths, range(len(old.paths)), strict=True))
        named = {str(root) for root in roots}
        found: list[Found] = []
        missed: list[tuple[int, Path, str, StatKey | None]] = []
        kept = 0  # files the index holds, found by their stat key or not
        for path in paths:
            name = str(path)
            key = stat_key(name) if self.path is not None and name not in named else None
            at = at_path.get(name)
            if at is not None:
                kept += 1
                if key is not None and tuple(old.stats[at * STAT_FIELDS:(at + 1) * STAT_FIELDS]) == key:
                    self._new[name] = key, old.contents[at], old.identities[at]
                    found.append(old.identities[at])
                    continue
            missed.append((len(found), path, name, key))
            found.append(())
        changed = len(missed) + len(at_path) - kept  # edited or new, and gone
        # Written again when it was not usable or enough changed; otherwise the few files missed are only read
        # and scanned (hashing them would cost more, with hashlib to import, than it spares).
        self._saving = self.path is not None and (self._fresh or changed >= SAVE_FROM)
        if missed:
            self._find(missed, found, tree, started)
        return found

    def _find(self, missed: list[tuple[int, Path, str, StatKey | None]], found: list[Found], tree: Tree,
              started: int) -> None:
        """The files not found by their stat key: by content (git's blob id, else read), scanned if new."""
        old = self._old
        by_content = {content: old.identities[at] for at, content in enumerate(old.contents)}
        blobs = self._git(tree, [path for _, path, _, key in missed if key is not None]) if by_content else None
        for at, path, name, key in missed:
            kind = "y" if os.path.splitext(name)[1].lower() in PLAIN_YAML_SUFFIXES else "t"  # noqa: PTH122
            blob = blobs.get(name) if blobs is not None and key is not None else None
            size = key[2] if key is not None else -1
            content = f"{kind}{blob}:{size}"
            known = by_content.get(content) if blob is not None else None
            if known is None:
                raw = tree.read(path, self._max_bytes)
                if not isinstance(raw, bytes):
                    continue  # not read: nothing to index (its own run says why)
                if not self._saving:
                    found[at] = _scan(raw, path)
                    continue
                content = f"{kind}{blob_id(raw)}:{len(raw)}"
                known = by_content.get(content)
                if known is None:
                    scanned = _scan(raw, path)
                    if isinstance(scanned, Exception):
                        found[at] = scanned
                        continue
                    known = by_content[content] = scanned
                size = len(raw) if size == len(raw) else -1  # grown or shrunk since lstat: no stat key
            found[at] = known
            stat = key if key is not None and size >= 0 and settled(key, started) else UNSETTLED
            self._new[name] = stat, content, known

    def _git(self, tree: Tree, paths: list[Path]) -> GitBlobs | None:
        """git's blob ids of unmodified files, when enough files are to be found for asking git to pay."""
        top = repository_top(Path(tree.root))
        if len(paths) < GIT_FROM or top is None:
            return None
        folders = {path.parent for path in paths}
        return GitBlobs(top, sorted(folders) if len(folders) <= GIT_FROM else ())

    def save(self) -> None:
        """Write the index of the files met (atomically) when it was unusable or enough changed; a note if it
        cannot be written."""
        if self.path is None or not self._saving or not self._new:
            return
        names = list(self._new)
        entries = list(self._new.values())
        columns = Columns(names, [field for key, _, _ in entries for field in key],
                          [content for _, content, _ in entries], [known for _, _, known in entries])
        try:
            write_index(self.path, self._key, columns)
        except OSError as exc:
            self._note(f"article index {self.path} cannot be written ({exc.strerror or exc}); runs over some "
                       "files read the whole corpus")

    def _note(self, note: str) -> None:
        if not self.notes:  # one note at most: the index costs time, never a verdict
            self.notes.append(note)


def _not_ours(path: Path, tree: Tree, tracked: subprocess.Popen[bytes] | None) -> str | None:
    """Why the index at path is not this run's to read or write: its folder named inside the working tree but
    a symlink leading out of it (a link committed in its place), or the file tracked by git (committed: its
    entries are whatever the commit says, keys anyone can compute; `tracked`: _ask_git_if_tracked's
    process). None when it is the run's."""
    if tree.leads_out(path.parent):
        if tracked is not None:
            tracked.kill()
            tracked.wait()
        return f"is led out of the working tree ({tree.root}) by a symlink"
    if tracked is None:
        return None
    listed = git_output(tracked)
    if listed is None:
        return None
    return "is tracked by git (committed: remove it with `git rm --cached`)" if listed.strip(b"\0") else None


def _ask_git_if_tracked(path: Path) -> subprocess.Popen[bytes] | None:
    """`git ls-files` of the index file, started as the run begins (it then costs the run nothing: the walk
    of the corpus goes on meanwhile); None when there is no index or no repository."""
    if not os.path.lexists(path):
        return None
    real = os.path.realpath(path.parent)
    top = repository_top(Path(real))
    if top is None:
        return None
    name = os.path.relpath(os.path.join(real, path.name), top)  # noqa: PTH118
    try:
        return start_git(str(top), "ls-files", "-z", "--", name)
    except OSError:
        return None


def _scan(raw: bytes, path: Path) -> Found:
    try:
        return identities(article_urls_in(raw, path))
    except Exception as exc:  # a file this run does not check never stops it
        return exc
