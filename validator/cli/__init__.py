"""Command line: parse arguments, run the pipeline, write reports, map outcomes to exit codes (here only).

parser.py derives the parser and the settings from the option declarations (declared.py); commands.py holds
the commands; outputs.py checks where they write and keeps a closed stdout from ending a run in a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..errors import ValidatorError
from ..report.escape import console_line
from .commands import COMMAND_RUNNERS, EXIT_FINDINGS, EXIT_INCONCLUSIVE, EXIT_OK, EXIT_USAGE
from .outputs import check_outputs, tolerate_closed_output
from .parser import build_parser, settings_from

__all__ = ["EXIT_FINDINGS", "EXIT_INCONCLUSIVE", "EXIT_OK", "EXIT_USAGE", "build_parser", "main", "settings_from"]


def main(argv: Sequence[str] | None = None) -> int:
    code = EXIT_USAGE
    with tolerate_closed_output():
        args = build_parser().parse_args(argv)
        try:
            check_outputs(args)
            code = COMMAND_RUNNERS[args.command](args)
        except ValidatorError as exc:
            print(console_line(f"seed-validator: error: {exc}"), file=sys.stderr)
    return code
