"""The console script run as an attacker's input would run it in CI: under a memory cap and a time limit."""

from __future__ import annotations

import os
import resource
import subprocess
from pathlib import Path

from tests.test_cli import SCRIPT

MEMORY_CAP = 1 << 30  # address space: the interpreter, httpx, re2 and the run itself fit well inside
TIME_LIMIT = 60


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_capped(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The console script with args; subprocess.TimeoutExpired (a failed test) if it outlives TIME_LIMIT."""
    environment = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    environment.update(env or {})
    return subprocess.run([SCRIPT, *args], cwd=cwd, capture_output=True, text=True, env=environment,
                          timeout=TIME_LIMIT, preexec_fn=_cap_memory, check=False)
