"""The hostile catalogue's shared harness: the console script run as an attacker's input meets it.

Each case runs `seed-validator` in its own process under an address-space cap (RLIMIT_AS, set before
exec) and a wall-clock bound (the process group is killed when it passes), and the outcome records the
peak memory of that one process (wait4), its exit code and output. A case then asserts the finding, that
every report was written and valid, and whatever must not appear in any output.

Add a case: write the hostile input under a tmp directory, `run_capped(...)` it, then
`assert_reports_written(...)` and the finding you expect (`finding(...)`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import assert_valid_report

SCRIPT = shutil.which("seed-validator", path=str(Path(sys.executable).parent)) or "seed-validator"
ALL_FORMATS = ("json", "md", "junit", "sarif", "html")
REPORT_FILES = {"json": "report.json", "md": "report.md", "junit": "report.junit.xml", "sarif": "report.sarif",
                "html": "report.html"}
MiB = 1024 * 1024
MEMORY_CAP = 512 * MiB  # address space, not resident memory: Python and its libraries map ~40 MB to start
TIME_BOUND = 60.0       # seconds before the process group is killed: a hang fails the case, never the suite


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    peak_rss: int  # bytes, of this process alone
    killed: bool   # ran past the time bound

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


# Runs the command as a grandchild of a small Python process, under the memory cap, and reports its exit code
# and peak RSS: a child forked from this (large) test process would count this process's pages in its
# ru_maxrss (Linux keeps the high-water mark of the memory it replaced at exec).
_LAUNCH = """
import os, resource, sys
cap, report = int(sys.argv[1]), sys.argv[2]
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[3], sys.argv[3:])
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss * 1024}")
"""


def run_capped(*args: str, cwd: Path, memory: int = MEMORY_CAP, time_bound: float = TIME_BOUND,
               env: dict[str, str] | None = None) -> Outcome:
    """seed-validator with args in cwd, under the memory cap and time bound."""
    environment = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    environment.update(env or {})

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "outcome"
        process = subprocess.Popen([sys.executable, "-c", _LAUNCH, str(memory), str(report), SCRIPT, *args],
                                   cwd=cwd, env=environment, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   start_new_session=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(time_bound, kill)
        timer.start()
        try:
            process.wait()
        finally:
            timer.cancel()
        code, peak = (int(n) for n in report.read_text().split()) if report.exists() else (-signal.SIGKILL, 0)
        out.seek(0)
        err.seek(0)
        return Outcome(code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), peak,
                       killed.is_set())


def assert_ran(outcome: Outcome, returncode: int = 1) -> None:
    """Ended by itself, with the exit code expected and no traceback."""
    assert not outcome.killed, f"still running after {TIME_BOUND} s"
    assert "Traceback" not in outcome.output, outcome.stderr[-3000:]
    assert outcome.returncode == returncode, outcome.output[-3000:]


def assert_reports_written(output_dir: Path, formats: Sequence[str] = ALL_FORMATS) -> dict[str, Any]:
    """Every report of formats exists and parses (report.json valid against its schema); report.json back."""
    for name in formats:
        assert (output_dir / REPORT_FILES[name]).is_file(), f"{REPORT_FILES[name]} not written"
    if "junit" in formats:
        ET.parse(output_dir / REPORT_FILES["junit"])
    if "sarif" in formats:
        json.loads((output_dir / REPORT_FILES["sarif"]).read_text(encoding="utf-8"))
    report: dict[str, Any] = json.loads((output_dir / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(report)
    return report


def findings(report: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [v for v in report["violations"] if v["rule"] == rule]


def own_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The violations, less the duplicate-article warnings that variants of one real seed give each other."""
    return [v for v in report["violations"] if v["rule"] != "seed/duplicate-article"]


def every_output(outcome: Outcome, output_dir: Path) -> str:
    """Console output and the text of every file written to output_dir, as one string to search."""
    texts = [outcome.output]
    texts += [path.read_text(encoding="utf-8", errors="replace") for path in sorted(output_dir.rglob("*"))
              if path.is_file()]
    return "\n".join(texts)


def check_args(*paths: str, output_dir: str = "reports") -> tuple[str, ...]:
    """An offline check of paths writing every report format."""
    return ("check", "--offline", "--format", ",".join(ALL_FORMATS), "--output-dir", output_dir, *paths)
