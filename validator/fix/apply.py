"""File I/O of fixing: read a seed file exactly as it is, write its fixed text atomically."""

from __future__ import annotations

import codecs
import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..files import Refusal, read_bounded
from ..tree import Tree
from .source import Source, parse_source, plain_yaml_file


@dataclass(frozen=True, slots=True)
class Read:
    source: Source
    raw: bytes  # the bytes read: the file is written only if it still holds them


def read_source(path: Path, file: str, *, max_bytes: int, tree: Tree) -> Read | str:
    """The file's source, or a note saying why it cannot be fixed. Read as the run reads it: only inside the
    tree (confined), a regular file of at most max_bytes (tree.Tree.read, files.read_bounded)."""
    raw = tree.read(path, max_bytes)
    if isinstance(raw, Refusal):
        return f"{file}: not fixed: {raw.message}"
    bom = raw.startswith(codecs.BOM_UTF8)
    try:
        text = raw[len(codecs.BOM_UTF8) if bom else 0:].decode("utf-8")
    except UnicodeDecodeError:
        return f"{file}: not fixed: not valid UTF-8"
    source = parse_source(text, file, plain_yaml=plain_yaml_file(path), bom=bom)
    if source is None:
        return f"{file}: not fixed: it holds no record"
    return Read(source, raw)


def encoded(source: Source) -> bytes:
    return (codecs.BOM_UTF8 if source.bom else b"") + source.text.encode("utf-8")


def write_fixed(path: Path, new: Source, original: bytes) -> str | None:
    """Replace the file by the fixed text (temp file + os.replace, its permissions kept), unless it changed
    since it was read. None when written, else a note."""
    target = path.resolve()  # through a symlink to the file it names, as editors write
    try:
        current = read_bounded(target, len(original))  # bounded: a file that grew has changed
        if isinstance(current, Refusal) or current != original:
            return f"{new.file}: not fixed: it changed while being fixed"
        mode = target.stat().st_mode & 0o7777
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        return f"{new.file}: not fixed: {exc.strerror or exc}"
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(encoded(new))
        Path(temp).chmod(mode)
        Path(temp).replace(target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            Path(temp).unlink()
        if isinstance(exc, OSError):
            return f"{new.file}: not fixed: cannot write it ({exc.strerror or exc})"
        raise
    return None
