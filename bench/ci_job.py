"""The CI job as a user feels it: a one-file change in a 2,000-record corpus, link cache warm.

    python -m bench.ci_job --records 2000 --repeat 5
    python -m bench.ci_job --records 2000 --repeat 20 --offline-only   # start-up: no farm, no link cache

Builds a git repository of seed files whose links point at the local farm (loopback only), warms
the link cache with one full run, then edits one file and times, side by side:
  - seed-validator check --changed-since HEAD (links included, from the warm cache),
  - seed-validator check --offline --changed-since HEAD (the structure part alone),
  - check-jsonschema on the one changed file (a reference for the fixed cost of a Python validator).
With --offline-only the corpus is bench/corpus.py's (no links checked, no farm) and the offline job is
timed as CI meets it, each beside `seed-validator --version` and check-jsonschema:
  - warm: the article index (validate/article_index.py) in `.seed-validator/`, as a CI cache restores
    it, from the run before (one file edited since);
  - fresh checkout: a new `git clone` of the repository with that index copied in (every file has new
    times and inodes: found by git's blob ids);
  - cold: the folder there but no index yet (the first run; it writes the index);
  - no index (`--no-cache`): every other file read, as before the index;
  - the whole corpus (`check --offline`, no --changed-since), which the index does not touch.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.corpus import ROOT, write_corpus
from bench.links import farm, urls_for, write_seeds
from bench.measure import Sample, measure, median_of


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", *args], cwd=repo,
                   check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--port", type=int, default=8093)
    parser.add_argument("--offline-only", action="store_true", help="time the offline job and --version alone")
    parser.add_argument("--compare-bin", help="--offline-only: another seed-validator (e.g. main's) timed on the "
                                              "same job and whole corpus, alternating")
    args = parser.parse_args(argv)
    bin_dir = Path(sys.executable).parent
    ours = str(bin_dir / "seed-validator")
    peer = shutil.which("check-jsonschema", path=str(bin_dir)) or "check-jsonschema"
    if args.offline_only:
        return _offline_only(args.records, args.repeat, ours, peer, args.compare_bin)
    with tempfile.TemporaryDirectory() as tmp, farm(20, args.port, 0.0, lifetime=900):
        repo = Path(tmp)
        write_seeds(repo / "seeds", urls_for(args.records * 10, 20, args.port))
        _git(repo, "init", "-q", "-b", "main")
        _git(repo, "add", ".")
        _git(repo, "commit", "-q", "-m", "corpus")
        warm = measure([ours, "check", "--quiet", "--allow-private"], cwd=repo)
        changed = repo / "seeds" / f"{args.records // 2:06d}.txt"
        yaml_copy = repo / "changed.yaml"
        full: list[Sample] = []
        offline: list[Sample] = []
        reference: list[Sample] = []
        for n in range(args.repeat):
            text = changed.read_text(encoding="utf-8")
            changed.write_text(text.replace('title: "Story', f'title: "Edited {n} Story', 1), encoding="utf-8")
            yaml_copy.write_text(changed.read_text(encoding="utf-8").split("---\n")[1], encoding="utf-8")
            full.append(measure([ours, "check", "--quiet", "--allow-private", "--changed-since", "HEAD"], cwd=repo))
            offline.append(measure([ours, "check", "--quiet", "--offline", "--changed-since", "HEAD"], cwd=repo))
            reference.append(measure([peer, "--schemafile", str(ROOT / "schemas" / "seed.schema.json"),
                                      str(yaml_copy)], cwd=repo))
    print(f"{args.records} records ({args.records * 10} links), one file changed, link cache warm "
          f"(warm-up run: {warm.wall:.1f} s); medians of {args.repeat}")
    print("| run | wall s | CPU s | peak RSS MB | exit |")
    print("|---|---:|---:|---:|---:|")
    for name, samples in (("seed-validator check --changed-since HEAD", full),
                          ("seed-validator check --offline --changed-since HEAD", offline),
                          ("check-jsonschema, the changed file only", reference)):
        m = median_of(samples)
        print(f"| {name} | {m.wall:.2f} | {m.cpu:.2f} | {m.rss_mb:.0f} | {m.code} |")
    return 0


_OFFLINE_RUNS = (("warm", "seed-validator check --offline --changed-since HEAD, index warm"),
                 ("fresh", "same, in a fresh clone with the index restored"),
                 ("cold", "same, index cold (first run, writes it)"),
                 ("none", "same, --no-cache (no index: every file read)"),
                 ("whole", "seed-validator check --offline, the whole corpus"),
                 ("version", "seed-validator --version"),
                 ("reference", "check-jsonschema, the changed file only"),
                 ("other", "--compare-bin: check --offline --changed-since HEAD"),
                 ("other whole", "--compare-bin: check --offline, the whole corpus"))


def _offline_only(records: int, repeat: int, ours: str, peer: str, other: str | None) -> int:
    job = [ours, "check", "--quiet", "--offline", "--changed-since", "HEAD"]
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        write_corpus(repo / "seeds", records)
        _git(repo, "init", "-q", "-b", "main")
        _git(repo, "add", ".")
        _git(repo, "commit", "-q", "-m", "corpus")
        index = repo / ".seed-validator" / "article-index.json"
        index.parent.mkdir()  # what a CI cache of .seed-validator/ restores (an offline run creates no folder)
        changed = Path("seeds") / f"{records // 2:06d}.txt"
        yaml_copy = Path(tmp) / "changed.yaml"
        runs: dict[str, list[Sample]] = {key: [] for key, _ in _OFFLINE_RUNS}
        measure(job, cwd=repo)  # the run before: it writes the index
        for n in range(repeat):
            _edit(repo / changed, n)
            yaml_copy.write_text((repo / changed).read_text(encoding="utf-8").split("---\n")[1], encoding="utf-8")
            runs["warm"].append(measure(job, cwd=repo))
            clone = Path(tmp) / f"clone{n}"
            subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True, capture_output=True)
            shutil.copytree(repo / ".seed-validator", clone / ".seed-validator")
            _edit(clone / changed, n)
            runs["fresh"].append(measure(job, cwd=clone))
            shutil.rmtree(clone)
            kept = index.read_bytes()
            index.unlink()
            runs["cold"].append(measure(job, cwd=repo))
            index.write_bytes(kept)  # the warm index again (the cold run wrote one of its own)
            runs["none"].append(measure([*job, "--no-cache"], cwd=repo))
            runs["whole"].append(measure([ours, "check", "--quiet", "--offline"], cwd=repo))
            runs["version"].append(measure([ours, "--version"], cwd=repo))
            runs["reference"].append(measure([peer, "--schemafile", str(ROOT / "schemas" / "seed.schema.json"),
                                              str(yaml_copy)], cwd=repo))
            if other is not None:
                runs["other"].append(measure([other, *job[1:]], cwd=repo))
                runs["other whole"].append(measure([other, "check", "--quiet", "--offline"], cwd=repo))
    print(f"{records} records in git, one file changed; medians of {repeat} (min-max wall); "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end")
    print("| run | wall s | min-max wall s | CPU s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|")
    for key, name in _OFFLINE_RUNS:
        if not runs[key]:
            continue
        m, walls = median_of(runs[key]), [s.wall for s in runs[key]]
        print(f"| {name} | {m.wall:.3f} | {min(walls):.3f}-{max(walls):.3f} | {m.cpu:.3f} | {m.rss_mb:.0f} |")
    return 0


def _edit(path: Path, n: int) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title: "', f'title: "Edited {n} ', 1), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
