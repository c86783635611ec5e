"""The command line's own output: where reports go is checked before any work, and a reader that goes away
(`seed-validator check | head -1`) ends nothing but the printing."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO, cast

from ..declared import OPTIONS
from ..errors import UsageError


def check_outputs(args: argparse.Namespace) -> None:
    """UsageError, in one line, when a command could not write where it is told to (a file given as
    --output-dir, a folder that cannot be written): said before the run, not after it."""
    for option in OPTIONS:
        path = getattr(args, option.dest, None) if option.writes and args.command in option.commands else None
        if isinstance(path, Path):
            try:
                _writable(path, folder=option.writes == "dir")
            except UsageError as exc:
                raise UsageError(f"--{option.name} {path}: {exc}") from None
            except OSError as exc:
                raise UsageError(f"--{option.name} {path}: {exc.strerror or exc}") from None


def _writable(path: Path, *, folder: bool) -> None:
    if not folder and path.is_dir():
        raise UsageError("is a folder, not a file")
    existing = path if folder else path.parent
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent  # the folder would be created here
    if not existing.is_dir():
        raise UsageError(f"{existing} is not a folder" if existing != path else "is not a folder")
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        raise UsageError(f"cannot write in {existing}: {exc.strerror or exc}") from None


class _Stream:
    """A text stream that, once its reader has gone (EPIPE), drops what is written instead of raising."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._gone = False

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop()

    def _drop(self) -> None:
        self._gone = True
        try:  # what is still buffered goes nowhere, also when the interpreter flushes at exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def tolerate_closed_output() -> Iterator[None]:
    """stdout and stderr that survive their reader going away; the command runs on and exits with its code."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = cast(TextIO, _Stream(sys.stdout)), cast(TextIO, _Stream(sys.stderr))
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = saved
