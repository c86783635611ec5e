"""The console script: `--version` answered before anything else is imported, everything else by cli.main."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from . import __version__


def version_text() -> str:
    return f"seed-validator {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    if list(sys.argv[1:] if argv is None else argv) == ["--version"]:
        print(version_text())
        return 0
    from .cli import main as cli_main  # noqa: PLC0415  (the CLI imports the whole pipeline)

    return cli_main(argv)
