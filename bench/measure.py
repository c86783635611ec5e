"""Run a command in its own wrapper process and read its wall time, CPU time and peak RSS."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# The wrapper's own children are only the measured command, so RUSAGE_CHILDREN is that command's alone
# (its worker processes included). ru_maxrss is the largest single process, so the wrapper also samples
# the whole process tree's RSS (every 20 ms, from /proc) and reports the larger of the two.
_WRAPPER = """
import json, os, resource, subprocess, sys, time

def tree_kb(pid):
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as status:
                total += next((int(l.split()[1]) for l in status if l.startswith("VmRSS:")), 0)
            with open(f"/proc/{p}/task/{p}/children") as children:
                todo.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            pass
    return total

started = time.perf_counter()
err_path = os.environ.get("BENCH_STDERR")
err = open(err_path, "w") if err_path else subprocess.DEVNULL
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=err)
peak = 0
while process.poll() is None:
    peak = max(peak, tree_kb(process.pid))
    time.sleep(0.02)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kb": max(usage.ru_maxrss, peak),
                  "code": process.returncode}))
"""


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    code: int


def measure(command: list[str], cwd: Path | None = None, *, stderr: Path | None = None) -> Sample:
    """stderr: a file to keep the command's standard error in (else it is dropped)."""
    env = {**os.environ, "BENCH_STDERR": str(stderr)} if stderr is not None else None
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *command], cwd=cwd, capture_output=True, text=True,
                          check=True, env=env)
    data = json.loads(done.stdout)
    return Sample(data["wall"], data["cpu"], data["rss_kb"] / 1024, data["code"])


def median_of(samples: list[Sample]) -> Sample:
    return Sample(statistics.median(s.wall for s in samples), statistics.median(s.cpu for s in samples),
                  statistics.median(s.rss_mb for s in samples), samples[-1].code)
