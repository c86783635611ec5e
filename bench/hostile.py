"""Hostile input on the loading side: what each case costs the whole process (wall, CPU, peak RSS).

    python -m bench.hostile --repeat 3

Each case is a small corpus built to hurt a naive loader (alias bombs in block and flow style, megabyte
values, 2 million values in 4 MB, numbers Python will not print, 40,000 repeats of one key, a 5,000-level
folder, a FIFO and a symlink to /dev/zero); seed-validator checks it offline writing every report format.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.corpus import ROOT
from bench.measure import Sample, measure, median_of

REAL_SEED = (ROOT / "seeds" / "000_d663f88f6a665438.txt").read_text(encoding="utf-8")


def _seed(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def flow_bomb(seeds: Path) -> None:
    members = ['"a":&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] + [
        f'"{chr(97 + n)}":&{chr(97 + n)} {{' + ",".join(f'"{i}":*{chr(96 + n)}' for i in range(9)) + "}"
        for n in range(1, 9)]
    _seed(seeds, "bomb.txt", "---\n{" + ",".join(members) + "}\n---\n")


def block_bomb(seeds: Path) -> None:
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    _seed(seeds, "bomb.txt", "\n".join(lines) + "\n---\n")


def big_values(seeds: Path) -> None:
    many = "[" + ",".join(['"lol"'] * 50_000) + "]"
    text = REAL_SEED.replace("quality: 37", f"quality: {many}").replace("category: news", f"category: {'x' * 10**6}")
    _seed(seeds, "big.txt", text)
    _seed(seeds, "deep.txt", REAL_SEED.replace("quality: 37", "quality: " + "[" * 999 + "]" * 999))


def odd_numbers(seeds: Path) -> None:
    scalars = ["9" * 5000, "0x" + "f" * 5000, "0" + "7" * 5000, "0b" + "1" * 20_000, "1" + ":59" * 3000,
               "1" + ":59" * 1_000_000, ".nan", ".inf", "1e999", "!!int abc"]
    for number, scalar in enumerate(scalars):
        _seed(seeds, f"n{number}.txt", REAL_SEED.replace("quality: 37", f"quality: {scalar}"))


def repeated_key(seeds: Path) -> None:
    _seed(seeds, "dups.txt", "---\n" + "a: 1\n" * 40_000 + "---\n")


def many_values(seeds: Path) -> None:
    _seed(seeds, "many.txt", "---\nq: [" + "1," * 2_000_000 + "1]\n---\n")


def deep_folder(seeds: Path) -> None:
    seeds.mkdir(parents=True)
    fd = os.open(seeds, os.O_RDONLY)
    for _ in range(5000):
        os.mkdir("d", dir_fd=fd)
        child = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = child
    os.close(fd)


def special_files(seeds: Path) -> None:
    _seed(seeds, "good.txt", REAL_SEED)
    os.mkfifo(seeds / "fifo.txt")
    (seeds / "zero.txt").symlink_to("/dev/zero")


CASES: dict[str, Callable[[Path], None]] = {
    "flow-style alias bomb, 9 levels (640 B)": flow_bomb,
    "block-style alias bomb, 9 levels": block_bomb,
    "50,000-item list + 1 MB string + 999-deep list": big_values,
    "2 million values in 4 MB (over the 100,000-value cap)": many_values,
    "10 odd numbers (5,000 digits, hex, 3 MB sexagesimal, NaN…)": odd_numbers,
    "one key repeated 40,000 times": repeated_key,
    "5,000-level folder": deep_folder,
    "FIFO + symlink to /dev/zero (--follow-symlinks)": special_files,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    command = [str(Path(sys.executable).parent / "seed-validator"), "check", "--offline", "--quiet",
               "--format", "json,md,junit,sarif,html", "--follow-symlinks", "seeds"]
    print("| case | exit | wall s (median) | CPU s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|")
    for name, build in CASES.items():
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            build(work / "seeds")
            samples: list[Sample] = [measure(command, cwd=work) for _ in range(args.repeat)]
            best = median_of(samples)
            print(f"| {name} | {best.code} | {best.wall:.2f} | {best.cpu:.2f} | {best.rss_mb:.0f} |", flush=True)
            if build is deep_folder:
                _remove_chain(work / "seeds")
    return 0


def _remove_chain(top: Path) -> None:
    """The 5,000-level chain is deeper than any path can name (and than shutil.rmtree recurses)."""
    fd = os.open(top, os.O_RDONLY)
    depth = 0
    while True:
        try:
            child = os.open("d", os.O_RDONLY, dir_fd=fd)
        except FileNotFoundError:
            break
        os.close(fd)
        fd, depth = child, depth + 1
    for _ in range(depth):
        parent = os.open("..", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        os.rmdir("d", dir_fd=parent)
        fd = parent
    os.close(fd)


if __name__ == "__main__":
    raise SystemExit(main())
