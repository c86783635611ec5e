"""The HTML report at audit scale: file size, render time in headless Chromium, time to filter.

    python -m bench.html_report --links 20000 --repeat 5

A synthetic run result (links of every status on 300 hosts, two occurrences each, 2,000 findings) is
written as report.html and, for scale, report.md and report.json; Chromium (Debian's, through
Playwright) loads the page from disk with nothing else to fetch.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from validator.models import Finding, LinkEntry, LinkKind, LinkResult, LinkStatus, Occurrence, RunResult, Severity
from validator.report.context import ReportInput
from validator.report.writer import write_reports

_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
          "--no-first-run", "--disable-sync"]


def synthetic(links: int, findings: int) -> RunResult:
    result = RunResult(tool_version="bench", started_at="2026-11-26T00:00:00Z", finished_at="2026-11-26T00:10:00Z",
                       options={"offline": False}, files=links // 10, records=links // 10)
    statuses = list(LinkStatus)
    for n in range(links):
        url = f"https://host{n % 300}.example/section/{n}/an-article-slug-of-typical-length"
        status = statuses[n % 23 % len(statuses)]
        entry = LinkEntry(url, LinkKind.PAGE if n % 4 else LinkKind.IMAGE,
                          [Occurrence(f"seeds/{n // 10:06d}.txt", "/webUrl", 7),
                           Occurrence(f"seeds/{(n // 10 + 1) % (links // 10):06d}.txt", "/related/3/webUrl", 61)])
        entry.result = LinkResult(url, entry.kind, status, f"HTTP {404 if status is LinkStatus.DEAD else 200}",
                                  http_status=200, checked_at="2026-11-26T00:05:00Z")
        result.links[url] = entry
    for n in range(findings):
        result.findings.append(Finding(f"seeds/{n:06d}.txt", 12, 5, "/quality", "schema/type", Severity.ERROR,
                                       "'lots' is not of type 'integer'"))
    result.published_years = {f"seeds/{n:06d}.txt": 2016 + n % 8 for n in range(links // 10)}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=20000)
    parser.add_argument("--findings", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("no chromium on PATH (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        result = synthetic(args.links, args.findings)
        started = time.perf_counter()
        write_reports(ReportInput.of(result), ["html"], out)
        write_seconds = time.perf_counter() - started
        write_reports(ReportInput.of(result), ["json", "md"], out)
        loads, filters = [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=_FLAGS)
            for _ in range(args.repeat):
                page = browser.new_page()
                started = time.perf_counter()
                page.goto((out / "report.html").as_uri())
                page.wait_for_function(f"document.querySelector('#links caption').textContent"
                                       f".startsWith('{args.links} links')")
                loads.append(time.perf_counter() - started)
                started = time.perf_counter()
                page.select_option("#link-filters select[name=status]", "dead")
                page.wait_for_function("document.querySelector('#links caption').textContent.includes('match')")
                filters.append(time.perf_counter() - started)
                page.close()
            browser.close()
        sizes = {name: (out / name).stat().st_size / 1e6 for name in ("report.html", "report.json", "report.md")}
    print(f"{args.links} links, {args.findings} findings; medians of {args.repeat}")
    print("| figure | value |\n|---|---:|")
    print(f"| report.html size | {sizes['report.html']:.1f} MB |")
    print(f"| report.json size (same data) | {sizes['report.json']:.1f} MB |")
    print(f"| report.md size | {sizes['report.md']:.1f} MB |")
    print(f"| writing report.html | {write_seconds:.2f} s |")
    print(f"| open in Chromium until the links table is filled | {statistics.median(loads):.2f} s |")
    print(f"| filter 20k links by status | {statistics.median(filters) * 1000:.0f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
