"""Verdicts measured: expected vs reported statuses on a generated corpus against bench/verdict_farm.py
(loopback only, bounded), the most requests any host had in flight, and lychee on the same URLs.

    python -m bench.verdicts --records 120 --hosts 8 --latency 0.02 --per-host 2

The corpus mixes live stories, 404/410, catch-all sections (deleted stories answered with the section
page), cross-host redirects (live and dead), permanent redirects, redirects to the front page, 200 "not
found" pages, a 503-once page, a 403, a single-page app, images (right, wrong size, a page used as an
image, an image used as a page) and AMP URLs (AMP, a plain page used as one, an AMP page used as a page).
Every URL's expected status per kind follows from its path (expected()); a link's is the most urgent.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.farm import host_addresses
from validator.models import LinkKind, LinkStatus

PAGE_TYPES = ("article", "article", "article", "article", "gone", "removed", "news-live", "news-old", "news-old",
              "hop", "hop", "hop-gone", "moved", "front", "notfound", "flaky", "blocked", "app")
_PAGE_EXPECTED = {"article": "ok", "gone": "dead", "removed": "dead", "news": "ok", "hop": "ok",
                  "hop-gone": "dead", "moved": "redirected", "front": "soft-dead", "notfound": "soft-dead",
                  "flaky": "ok", "blocked": "blocked", "app": "ok", "img": "ok", "amp": "ok"}


def expected(url: str, kind: LinkKind) -> LinkStatus:
    """What a careful editor would call the URL used as `kind`, from what the farm serves there."""
    head, _, rest = urlsplit(url).path.strip("/").partition("/")
    if kind is LinkKind.IMAGE:
        return LinkStatus({"img": "ok", "img-wrong": "mismatch"}.get(head, "mismatch"))
    if kind is LinkKind.AMP:
        return LinkStatus.OK if head == "amp" else LinkStatus.MISMATCH
    if head == "news" and not rest.startswith("live-"):
        return LinkStatus.SOFT_DEAD  # a catch-all section
    return LinkStatus(_PAGE_EXPECTED[head])


class Corpus:
    """Records whose links are planned: URL → the kinds it is used as."""

    def __init__(self, records: int, hosts: int, port: int) -> None:
        addresses = host_addresses(hosts)
        self.regular, self.spa, self.port = addresses[:-1], addresses[-1], port
        self.uses: dict[str, set[LinkKind]] = {}
        self.records = [self._record(k) for k in range(records)]

    def _url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"

    def _page(self, counter: int) -> str:
        host = self.regular[counter % len(self.regular)]
        kind = PAGE_TYPES[(counter // len(self.regular)) % len(PAGE_TYPES)]
        if kind == "app":
            return self._url(self.spa, f"/app/{counter}")
        if kind.startswith("news-"):
            return self._url(host, f"/news/{kind[5:]}-{counter}")
        return self._url(host, f"/{kind}/{counter}")

    def _use(self, url: str, kind: LinkKind) -> str:
        self.uses.setdefault(url, set()).add(kind)
        return url

    def _record(self, k: int) -> str:
        host = self.regular[k % len(self.regular)]
        pages = [self._page(k * 7 + i) for i in range(7)]
        image = [self._url(host, f"/img/{k}.png"), self._url(host, f"/img-wrong/{k}.png"),
                 self._url(host, f"/article/s{k}"), self._url(host, f"/img/p{k}.png")][k % 4]
        amp = [self._url(host, f"/amp/{k}"), self._url(host, f"/article/a{k}"), self._url(host, f"/amp/q{k}")][k % 3]
        if k % 4 in (2, 3):
            pages.append(image)  # shared: used as a page and as an image
        if k % 3 in (1, 2):
            pages.append(amp)  # shared: used as a page and as an AMP URL
        for url in pages:
            self._use(url, LinkKind.PAGE)
        self._use(image, LinkKind.IMAGE)
        self._use(amp, LinkKind.AMP)
        related = "".join(
            f'  - title: "Related {i}"\n    excerpt: "x"\n    publishedDateTime: 2021-04-07T22:00:00Z\n'
            f'    webUrl: "{url}"\n    type: article\n    provider:\n      name: Farm\n'
            f"      domain: {urlsplit(url).hostname}\n    quality: 1\n" for i, url in enumerate(pages[1:]))
        return (f'---\ncategory: news\ntitle: "Story {k}"\nexcerpt: "x"\npublishedDateTime: 2021-04-09T11:00:00Z\n'
                f'originalUrl: "{pages[0]}"\nwebUrl: "{pages[0]}"\nampWebUrl: "{amp}"\ntype: article\n'
                f"provider:\n  name: Farm\n  domain: {host}\ntopics:\n  - Bench\n"
                f'images:\n  - url: "{image}"\n    width: 480\n    height: 320\nrelated:\n{related}'
                f'secured: "YWJj;ZGVm"\n---\n')

    def expected_link(self, url: str) -> LinkStatus:
        return min((expected(url, kind) for kind in self.uses[url]), key=lambda status: status.urgency)


@contextlib.contextmanager
def farm(hosts: int, port: int, latency: float) -> Iterator[str]:
    process = subprocess.Popen([sys.executable, "-m", "bench.verdict_farm", "--hosts", str(hosts), "--port",
                                str(port), "--latency", str(latency), "--lifetime", "900"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        process.stdout.readline()  # ready
        yield f"http://{host_addresses(hosts)[0]}:{port}/__farm/"
    finally:
        process.terminate()
        process.wait(timeout=10)


def farm_stats(base: str, what: str) -> dict[str, int]:
    with urllib.request.urlopen(base + what, timeout=10) as answer:  # the loopback farm only
        stats: dict[str, int] = json.loads(answer.read())
    return stats


def matrix(pairs: list[tuple[str, str]], columns: list[str]) -> Iterator[str]:
    """A Markdown confusion matrix: rows expected, columns reported."""
    counts = Counter(pairs)
    rows = [s.value for s in LinkStatus.by_urgency() if any(e == s.value for e, _ in pairs)]
    yield "| expected \\ reported | " + " | ".join(columns) + " | total |"
    yield "|---|" + "---:|" * (len(columns) + 1)
    for row in rows:
        cells = [str(counts[(row, column)] or "·") for column in columns]
        yield f"| {row} | " + " | ".join(cells) + f" | {sum(counts[(row, c)] for c in columns)} |"


def lychee_class(entry: dict[str, object]) -> str:
    """lychee's outcome for one URL: ok, or failed with the HTTP code it saw, or error."""
    status = entry.get("status")
    code = status.get("code") if isinstance(status, dict) else None
    return f"failed {code}" if isinstance(code, int) else "error"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=120)
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--no-peer", action="store_true")
    args = parser.parse_args(argv)
    corpus = Corpus(args.records, args.hosts, args.port)
    bin_dir = Path(sys.executable).parent
    lychee = shutil.which("lychee", path=str(bin_dir)) or shutil.which("lychee")
    with tempfile.TemporaryDirectory() as tmp, farm(args.hosts, args.port, args.latency) as stats:
        work = Path(tmp)
        (work / "seeds").mkdir()
        for k, text in enumerate(corpus.records):
            (work / "seeds" / f"{k:05d}.txt").write_text(text, encoding="utf-8")
        urls = sorted(corpus.uses)
        (work / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
        farm_stats(stats, "reset")
        done = subprocess.run([str(bin_dir / "seed-validator"), "check", "--quiet", "--no-cache", "--allow-private",
                               "--per-host", str(args.per_host), "--format", "json", "--output-dir", "out", "seeds"],
                              cwd=work, check=False)
        ours_most = farm_stats(stats, "reset")
        report: dict[str, Any] = json.loads((work / "out" / "report.json").read_text(encoding="utf-8"))
        peer: dict[str, str] = {}
        peer_most: dict[str, int] = {}
        if lychee and not args.no_peer:
            subprocess.run([lychee, "--no-progress", "--format", "json", "--output", "lychee.json",
                            "--host-concurrency", str(args.per_host), "--host-request-interval", "0ms",
                            "--max-concurrency", "64", "--timeout", "20", "--max-retries", "2", "urls.txt"],
                           cwd=work, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            peer_most = farm_stats(stats, "reset")
            failed = json.loads((work / "lychee.json").read_text(encoding="utf-8")).get("error_map", {})
            peer = dict.fromkeys(urls, "ok")
            for entries in failed.values():
                for entry in entries:
                    peer[entry["url"]] = lychee_class(entry)
    print(render(corpus, Measured(report, done.returncode, ours_most, peer, peer_most), args, lychee))
    return 0


def scenarios(corpus: Corpus) -> dict[str, list[str]]:
    """The URLs by what they test: the path's kind of answer, or the kinds a shared URL is used as."""
    named: dict[str, list[str]] = {}
    for url, kinds in corpus.uses.items():
        head, _, rest = urlsplit(url).path.strip("/").partition("/")
        if len(kinds) > 1:
            name = "shared " + "+".join(sorted(k.value for k in kinds)) + f" ({head})"
        elif head == "news":
            name = "catch-all section, live story" if rest.startswith("live-") else "catch-all section, deleted story"
        elif head in ("hop", "hop-gone"):
            name = f"cross-host redirect ({'to a 404' if head == 'hop-gone' else 'to a story'})"
        else:
            name = f"{next(iter(kinds)).value} /{head}/"
        named.setdefault(name, []).append(url)
    return named


@dataclass(frozen=True)
class Measured:
    report: dict[str, Any]      # seed-validator's report.json
    code: int                   # its exit code
    most: dict[str, int]        # the most requests in flight per host during its run
    peer: dict[str, str]        # lychee's outcome per URL (empty without lychee)
    peer_most: dict[str, int]   # the most in flight per host during lychee's run


def render(corpus: Corpus, measured: Measured, args: argparse.Namespace, lychee: str | None) -> str:
    links = {link["url"]: link for link in measured.report["links"]}
    ours_most, peer, peer_most, code = measured.most, measured.peer, measured.peer_most, measured.code
    statuses = [s.value for s in LinkStatus.by_urgency()]
    overall = [(corpus.expected_link(url).value, links[url]["status"]) for url in corpus.uses]
    per_kind = [(expected(url, LinkKind(v["kind"])).value, v["status"]) for url in corpus.uses
                for v in links[url]["kinds"]]
    live = [url for url in corpus.uses if corpus.expected_link(url) in (LinkStatus.OK, LinkStatus.REDIRECTED)]
    false_dead = [url for url in live if links[url]["status"] in ("dead", "soft-dead")]
    shared = sum(len(kinds) > 1 for kinds in corpus.uses.values())
    out = [f"{len(corpus.records)} records, {len(corpus.uses)} distinct URLs ({shared} used as two kinds) on "
           f"{args.hosts} loopback hosts, latency {args.latency * 1000:.0f} ms, --per-host {args.per_host}; "
           f"seed-validator exit {code}", "", "seed-validator, per link (the most urgent kind's status):", "",
           *matrix(overall, statuses), "", "seed-validator, per kind (links[].kinds):", "",
           *matrix(per_kind, statuses), "",
           f"live links (expected ok or redirected) called dead or soft-dead: {len(false_dead)} of {len(live)}"
           + (f" ({', '.join(false_dead[:5])})" if false_dead else ""),
           f"most requests in flight on one host (counted by the farm): {max(ours_most.values())} "
           f"(per host: {' '.join(str(ours_most[h]) for h in sorted(ours_most))})"]
    out += ["", "by scenario (distinct URLs; a shared URL counted once, under its kinds):", "",
            "| scenario | URLs | expected | seed-validator agrees | lychee says |", "|---|---:|---|---:|---|"]
    for name, members in sorted(scenarios(corpus).items()):
        wanted = Counter(corpus.expected_link(url).value for url in members)
        agrees = sum(links[url]["status"] == corpus.expected_link(url).value for url in members)
        said = Counter(peer[url] for url in members) if peer else Counter()
        out.append(f"| {name} | {len(members)} | {', '.join(f'{n} {s}' for s, n in wanted.most_common())} | "
                   f"{agrees} | {', '.join(f'{n} {s}' for s, n in said.most_common()) or '-'} |")
    if peer:
        columns = sorted(set(peer.values()), key=lambda c: (c != "ok", c))
        out += ["", f"lychee ({Path(lychee or 'lychee').name}), per URL, same limits:", "",
                *matrix([(corpus.expected_link(url).value, peer[url]) for url in corpus.uses], columns), "",
                f"live links lychee reports failed: {sum(peer[url] != 'ok' for url in live)} of {len(live)}",
                f"most requests in flight on one host (lychee): {max(peer_most.values())} "
                f"(per host: {' '.join(str(peer_most[h]) for h in sorted(peer_most))})"]
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
