"""Run a command in its own wrapper process and read its wall time, CPU time and peak RSS."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# The wrapper's own children are only the measured command, so RUSAGE_CHILDREN is that command's alone.
_WRAPPER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kb": usage.ru_maxrss,
                  "code": done.returncode}))
"""


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    code: int


def measure(command: list[str], cwd: Path | None = None) -> Sample:
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *command], cwd=cwd, capture_output=True, text=True,
                          check=True)
    data = json.loads(done.stdout)
    return Sample(data["wall"], data["cpu"], data["rss_kb"] / 1024, data["code"])


def median_of(samples: list[Sample]) -> Sample:
    return Sample(statistics.median(s.wall for s in samples), statistics.median(s.cpu for s in samples),
                  statistics.median(s.rss_mb for s in samples), samples[-1].code)
