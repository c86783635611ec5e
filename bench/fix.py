"""The cost of `check --fix` beside `check`, on real-format records with planted fixable defects.

    python -m bench.fix --records 2000 --repeat 5

Every record is the real seed with its own URLs (bench/corpus.py) and, by its number, some of: whitespace
around a URL, mojibake, a non-ASCII IRI, a wrong AMP cache URL, empty topic items, plain or single-quoted
scalars, comments, CRLF line breaks, a BOM. Each run gets a fresh copy of the corpus; the runs alternate so
all see the same machine state. The requirement: --fix costs no more than a second check.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bench.corpus import record_text
from bench.measure import Sample, measure, median_of

_CACHE = "reason-com.cdn.ampproject.org/c/s/reason.com/2021/04/09/story-"


def defective(index: int) -> str:
    """Record `index` with the defects its number selects (about 3 fixable problems per record)."""
    text = record_text(index)
    if index % 2 == 0:
        text = text.replace('webUrl: "https://reason.com', 'webUrl: "  https://reason.com', 1)
    if index % 3 == 0:
        text = text.replace("https://gizmodo.com/dallas", "https://gizmodo.com/d\u00c3\u00a9-dallas", 1)
    if index % 3 == 1:
        text = text.replace("https://www.itweb.co.za/content/", "https://www.itweb.co.za/content/ünïcode-", 1)
    if index % 4 == 0:
        text = text.replace(_CACHE, _CACHE.replace("/c/s/", "/c/"), 1)
    if index % 5 == 0:
        text = text.replace("  - AI\n", "  - AI\n  -\n  - ~\n", 1)
    if index % 6 == 0:  # plain and single-quoted scalars, comments
        text = text.replace('originalUrl: "', "originalUrl: '", 1)
        text = text.replace('/"\nwebUrl', "/'   # the original\nwebUrl", 1)
        text = text.replace('    webUrl: "https://cbs58.com', "    webUrl: https://cbs58.com", 1).replace(
            'media-photos"\n', "media-photos\n", 1)
    if index % 7 == 0:
        text = text.replace("\n", "\r\n")
    if index % 11 == 0:
        text = "\ufeff" + text
    return text


def write(directory: Path, count: int) -> None:
    directory.mkdir(parents=True)
    for index in range(count):
        (directory / f"{index:06d}.txt").write_bytes(defective(index).encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    tool = str(Path(sys.executable).parent / "seed-validator")
    commands = {
        "check --offline": ["check", "--offline", "--quiet"],
        "check --offline --fix": ["check", "--offline", "--quiet", "--fix"],
        "check --offline --fix --unsafe-fixes": ["check", "--offline", "--quiet", "--fix", "--unsafe-fixes"],
        "check --offline --diff": ["check", "--offline", "--quiet", "--diff"],
    }
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as tmp:
        pristine = Path(tmp) / "pristine"
        write(pristine, args.records)
        for _ in range(args.repeat):
            for name, command in commands.items():
                work = Path(tmp) / "work"
                shutil.rmtree(work, ignore_errors=True)
                shutil.copytree(pristine, work / "seeds")
                samples[name].append(measure([tool, *command], cwd=work))
        fixed = _remaining(tool, Path(tmp) / "work")
    base = median_of(samples["check --offline"])
    print(f"| {args.records} records | wall s (median) | CPU s | peak RSS MB | cost beyond a check (wall, CPU) |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in samples.items():
        sample = median_of(runs)
        extra = "-" if name == "check --offline" else (
            f"{(sample.wall - base.wall) / base.wall:.2f}, {(sample.cpu - base.cpu) / base.cpu:.2f} of a check")
        print(f"| `{name}` | {sample.wall:.2f} | {sample.cpu:.2f} | {sample.rss_mb:.0f} | {extra} |")
    print(f"\na fresh copy after `check --offline --fix --unsafe-fixes`, checked again: {fixed}")
    return 0


def _remaining(tool: str, work: Path) -> str:
    import subprocess  # noqa: PLC0415 - only for this one look at the outcome

    shutil.rmtree(work / "reports", ignore_errors=True)
    subprocess.run([tool, "check", "--offline", "--quiet", "--fix", "--unsafe-fixes"], cwd=work, check=False)
    done = subprocess.run([tool, "check", "--offline"], cwd=work, capture_output=True, text=True, check=False)
    return done.stdout.strip().splitlines()[-2]


if __name__ == "__main__":
    raise SystemExit(main())
