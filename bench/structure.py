"""Structure validation throughput: seed-validator --offline beside check-jsonschema, same records, same schema.

    python -m bench.structure --records 2000 --repeat 5
    python -m bench.structure --records 100000 --repeat 1 --jobs 2 --no-peer

The corpus (bench/corpus.py) is generated from the shipped seed: every record different, one in twelve
with a planted defect. The tools run alternately within each repeat (so all see the same machine state)
and the medians are printed, with the ratios of check-jsonschema's wall time to ours.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bench.corpus import ROOT, write_corpus
from bench.measure import Sample, measure, median_of


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="+", default=[2000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="seed-validator --jobs values to run")
    parser.add_argument("--no-peer", action="store_true", help="measure seed-validator alone")
    parser.add_argument("--compare-bin", type=Path, metavar="PATH",
                        help="another seed-validator (e.g. the previous release) to run on the same corpus")
    args = parser.parse_args(argv)
    if args.compare_bin is not None and not args.compare_bin.is_file():
        parser.error(f"--compare-bin {args.compare_bin}: no such file (build the comparison version first: see "
                     "docs/benchmarks.md), or leave the option out")
    ours_bin = Path(sys.executable).parent / "seed-validator"
    peer_bin = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or "check-jsonschema"
    schema = ROOT / "schemas" / "seed.schema.json"
    print("| records | tool | wall s (median) | records/s | CPU s | peak RSS MB (all processes) | exit |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for count in args.records:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            write_corpus(work / "seeds", count)
            yaml_files = [] if args.no_peer else [str(p) for p in write_corpus(work / "yaml", count, plain_yaml=True)]
            ours: dict[int, list[Sample]] = {jobs: [] for jobs in args.jobs}
            peer: list[Sample] = []
            other: list[Sample] = []
            for _ in range(args.repeat):
                if args.compare_bin:
                    other.append(measure([str(args.compare_bin), "check", "--offline", "--quiet", "seeds"], cwd=work))
                for jobs in args.jobs:
                    ours[jobs].append(measure([str(ours_bin), "check", "--offline", "--quiet", "--jobs", str(jobs),
                                               "seeds"], cwd=work))
                if not args.no_peer:
                    peer.append(measure([peer_bin, "--schemafile", str(schema), *yaml_files], cwd=work))
            rows = [(f"seed-validator --offline --jobs {jobs}", median_of(samples)) for jobs, samples in ours.items()]
            if other:
                rows.insert(0, (f"{args.compare_bin} --offline", median_of(other)))
            if peer:
                rows.append(("check-jsonschema 0.39", median_of(peer)))
            for name, sample in rows:
                print(f"| {count} | {name} | {sample.wall:.2f} | {count / sample.wall:.0f} | {sample.cpu:.2f} "
                      f"| {sample.rss_mb:.0f} | {sample.code} |")
            for jobs, samples in ours.items() if peer else ():
                ratio = median_of(peer).wall / median_of(samples).wall
                print(f"|  | ratio: check-jsonschema wall / --jobs {jobs} wall | {ratio:.1f}x | | | | |")
            spread = {name: f"{min(s.wall for s in ss):.2f}-{max(s.wall for s in ss):.2f}"
                      for name, ss in [*((f"--jobs {j}", s) for j, s in ours.items()), ("peer", peer)] if ss}
            print(f"wall-time range over {args.repeat} repeats: {spread}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
