"""The console script: `--version` answered before anything else is imported, everything else by cli.main."""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

from . import __version__


def version_text() -> str:
    return f"seed-validator {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    if list(sys.argv[1:] if argv is None else argv) == ["--version"]:
        print(version_text())
        return 0
    # Importing makes objects that all stay alive (modules, classes, functions): the cycle collector would
    # go over them some 50 times for nothing (~8 ms of a one-file check). It waits until they are in, and
    # then leaves them out of its rounds for good (gc.freeze).
    gc.disable()
    try:
        from .cli import main as cli_main  # noqa: PLC0415  (the CLI imports the whole pipeline)
    finally:
        gc.freeze()
        gc.enable()
    return cli_main(argv)
