"""Every renderer at scale: one seed file with 20,000 findings, and one with 20,000 link problems.

    python -m bench.renderers --problems 20000 --repeat 3

The findings seed is the shipped seed with half the findings as empty topics (seed/null-topic warnings) and
half as related items with a bad URL and missing fields (7 errors each); it goes through the real pipeline
(--offline). The links seed holds the shipped related item again and again, each with its own webUrl;
extraction is real, the verdicts are made up (each webUrl dead, the shared AMP and image URLs ok: nothing
is fetched). Each format's renderer, the console lines and the GitHub annotations are timed in-process,
output consumed chunk by chunk as the writer does; the counts (problems + Summary) are timed once per run.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from validator import pipeline
from validator.config import Settings
from validator.extract import extract_links
from validator.load import load_file
from validator.models import LinkKind, LinkResult, LinkStatus, RunResult
from validator.report import console
from validator.report.context import ReportInput
from validator.report.writer import FORMATS

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_d663f88f6a665438.txt"
_RELATED = re.compile(r"\nrelated:\n(  - .*?)(?=\n  - )", re.S)


def findings_seed(count: int) -> str:
    """The shipped seed with about `count` findings: empty topics and broken related items."""
    text = SEED.read_text(encoding="utf-8")
    topics = count // 2
    items = "".join(f'  - title: "R{n}"\n    webUrl: "not a url {n}"\n' for n in range((count - topics) // 7))
    return text.replace("\nrelated:\n", "\nrelated:\n" + items, 1).replace("  - AI\n", "  - AI\n" + "  -\n" * topics)


def links_seed(count: int) -> str:
    """The shipped seed whose first related item is repeated `count` times, each with its own webUrl."""
    text = SEED.read_text(encoding="utf-8")
    found = _RELATED.search(text)
    assert found is not None, "the shipped seed has related items"
    item = found.group(1)
    url = re.search(r'webUrl: "([^"]+)"', item)
    assert url is not None
    copies = "\n".join(item.replace(url.group(1), f"{url.group(1)}?copy={n}") for n in range(count))
    return text.replace("\nrelated:\n", "\nrelated:\n" + copies + "\n", 1)


def run_of(path: Path, *, links: bool) -> RunResult:
    result = pipeline.run(Settings(paths=(path,), offline=True))
    if links:
        loaded = load_file(path, max_bytes=1 << 30, file=result.checked_files[0])
        assert loaded.record is not None
        pipeline.add_links(result, extract_links(loaded.record, result.checked_files[0], loaded.source))
        for entry in result.links.values():
            dead = "?copy=" in entry.url and entry.kind is LinkKind.PAGE
            status = LinkStatus.DEAD if dead else LinkStatus.OK
            entry.result = LinkResult(entry.url, entry.kind, status, "HTTP 404" if dead else "HTTP 200",
                                      http_status=404 if dead else 200, checked_at=result.started_at)
        result.options["offline"] = False
    return result


def consume(chunks: Iterable[str]) -> int:
    return sum(len(chunk) for chunk in chunks)


def _consume_all(render: Callable[[], Iterable[str]]) -> int:
    return consume(render())


def timed(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench(name: str, result: RunResult, repeat: int) -> None:
    started = time.perf_counter()
    report = ReportInput.of(result)
    counting = time.perf_counter() - started
    print(f"\n{name}: {len(report.problems):,} problems ({len(result.findings):,} structure findings, "
          f"{len(report.problems) - len(result.findings):,} link problems), {len(result.links):,} links")
    print("| renderer | median s | output MB |\n|---|---:|---:|")
    print(f"| problems + Summary (once per run) | {counting:.2f} | |")
    renderers: dict[str, Callable[[], Iterable[str]]] = {
        name: partial(chosen.render, report) for name, chosen in FORMATS.items()}
    renderers["console lines"] = lambda: (line + "\n" for line in console.lines(result, report.problems))
    renderers["GitHub annotations"] = lambda: (line + "\n" for line in console.github_annotations(report.problems))
    for label, render in renderers.items():
        size = consume(render())
        seconds = timed(partial(_consume_all, render), repeat)
        print(f"| {label} | {seconds:.2f} | {size / 1e6:.1f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problems", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for name, text, links in (("findings seed", findings_seed(args.problems), False),
                                  ("links seed", links_seed(args.problems), True)):
            path = Path(tmp) / f"{name.split()[0]}.txt"
            path.write_text(text, encoding="utf-8")
            bench(name, run_of(path, links=links), args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
