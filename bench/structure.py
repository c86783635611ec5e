"""Structure validation throughput: seed-validator --offline beside check-jsonschema, same records, same schema.

    python -m bench.structure --records 2000 --repeat 5

Runs the two tools alternately (so both see the same machine state) and prints medians.
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
    parser.add_argument("--no-peer", action="store_true", help="measure seed-validator alone")
    args = parser.parse_args(argv)
    ours_bin = Path(sys.executable).parent / "seed-validator"
    peer_bin = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or "check-jsonschema"
    schema = ROOT / "schemas" / "seed.schema.json"
    print("| records | tool | wall s (median) | records/s | CPU s | peak RSS MB |")
    print("|---:|---|---:|---:|---:|---:|")
    for count in args.records:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            write_corpus(work / "seeds", count)
            yaml_files = [str(p) for p in write_corpus(work / "yaml", count, plain_yaml=True)]
            ours: list[Sample] = []
            peer: list[Sample] = []
            for _ in range(args.repeat):
                ours.append(measure([str(ours_bin), "check", "--offline", "--quiet", "seeds"], cwd=work))
                if not args.no_peer:
                    peer.append(measure([peer_bin, "--schemafile", str(schema), *yaml_files], cwd=work))
            rows = [("seed-validator --offline", median_of(ours))]
            if peer:
                rows.append(("check-jsonschema 0.39", median_of(peer)))
            for name, sample in rows:
                print(f"| {count} | {name} | {sample.wall:.2f} | {count / sample.wall:.0f} | {sample.cpu:.2f} "
                      f"| {sample.rss_mb:.0f} |")
            if peer:
                ratio = median_of(peer).wall / median_of(ours).wall
                print(f"|  | ratio (check-jsonschema wall / seed-validator wall) | {ratio:.1f}x | | | |")
            if any(s.code != 0 for s in ours):
                print(f"warning: seed-validator exited {ours[-1].code} (findings in the generated corpus?)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
