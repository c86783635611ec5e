"""Hostile servers, addresses and caches against the whole checker: each run is a real `check` in a
subprocess under a memory cap and a time bound, against loopback servers; the run must end, write every
report, and give each bad link a verdict that says why."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from bench.bombs import bomb, stacked_bomb
from tests.conftest import assert_valid_report
from tests.integration.server import Farm, running_farm, send

pytestmark = pytest.mark.slow

GIB = 1 << 30
FORMATS = {"json": "report.json", "md": "report.md", "junit": "report.junit.xml", "sarif": "report.sarif",
           "html": "report.html"}
# Address space, not resident memory: Python, its thread stacks and malloc arenas reserve far more than
# they touch. A checker that materialised one decoded bomb would pass it at once.
ADDRESS_SPACE = 1536 << 20


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    peak_rss_mb: float
    workdir: Path

    def report(self) -> dict[str, Any]:
        for name in FORMATS.values():
            assert (self.workdir / "reports" / name).is_file(), f"{name} not written\n{self.stdout}{self.stderr}"
        report: dict[str, Any] = json.loads((self.workdir / "reports" / "report.json").read_text(encoding="utf-8"))
        assert_valid_report(report)
        return report

    def links(self) -> dict[str, dict[str, Any]]:
        return {link["url"]: link for link in self.report()["links"]}


# A small wrapper process: caps its own address space (inherited), drops root's override of file modes if
# asked, runs the command as its child and writes that child's exit code and peak RSS. Done there, not in
# a preexec_fn (this process has server threads: a fork could deadlock), and measured there, because a
# child forked from this large test process would count this process's pages in its peak RSS.
# Root writes read-only files through CAP_DAC_OVERRIDE; without it in the bounding set, exec'd root
# obeys file modes like anyone else.
_LIMITED = """
import json, os, resource, subprocess, sys
memory, unprivileged, measured = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3]
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
if unprivileged and os.geteuid() == 0:
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        libc.prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP
code = subprocess.call([sys.executable, *sys.argv[4:]])
with open(measured, "w") as out:
    json.dump({"code": code, "rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, out)
"""


def limited(argv: Sequence[str], measured: Path, *, unprivileged: bool = False) -> list[str]:
    return [sys.executable, "-c", _LIMITED, str(ADDRESS_SPACE), "1" if unprivileged else "0", str(measured), *argv]


def check(workdir: Path, *options: str, prelude: str = "", timeout: float = 120, unprivileged: bool = False) -> Run:
    """`seed-validator check` (every report format) in a subprocess with capped address space, and its
    peak RSS. A run that outlives `timeout` is killed and fails the test."""
    code = f"import sys\n{prelude}\nfrom validator.cli import main\nraise SystemExit(main(sys.argv[1:]))"
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    with tempfile.TemporaryDirectory() as scratch:
        measured = Path(scratch) / "measured.json"
        argv = limited(["-c", code, "check", "--format", ",".join(FORMATS), *options, "seeds"], measured,
                       unprivileged=unprivileged)
        process = subprocess.Popen(argv, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                   text=True, start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"the run did not end within {timeout} s")
        outcome = json.loads(measured.read_text(encoding="utf-8"))
    run = Run(outcome["code"], stdout, stderr, outcome["rss_kb"] / 1024, workdir)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def writable_here(path: Path, *, unprivileged: bool) -> bool:
    with tempfile.TemporaryDirectory() as scratch:
        argv = limited(["-c", f"open({str(path)!r}, 'ab')"], Path(scratch) / "m.json", unprivileged=unprivileged)
        return subprocess.run(argv, check=False, capture_output=True).returncode == 0 and json.loads(
            (Path(scratch) / "m.json").read_text(encoding="utf-8"))["code"] == 0


def seed(pages: Sequence[str], images: Sequence[tuple[str, int, int]] = ()) -> str:
    """A valid seed whose related articles are `pages` and whose images are `images` (url, width, height)."""
    related = "".join(f'  - title: "Related {i}"\n    excerpt: "x"\n    publishedDateTime: 2021-04-07T22:00:00Z\n'
                      f'    webUrl: "{url}"\n    type: article\n    provider:\n      name: Farm\n'
                      f'      domain: farm.example\n    quality: 1\n' for i, url in enumerate(pages[1:]))
    pictures = "".join(f'  - url: "{url}"\n    width: {width}\n    height: {height}\n'
                       for url, width, height in images)
    return (f'---\ncategory: news\ntitle: "A story"\nexcerpt: "x"\npublishedDateTime: 2021-04-09T11:00:00Z\n'
            f'originalUrl: "{pages[0]}"\nwebUrl: "{pages[0]}"\ntype: article\nprovider:\n  name: Farm\n'
            f'  domain: farm.example\ntopics:\n  - Testing\n' + (f"images:\n{pictures}" if pictures else "")
            + (f"related:\n{related}" if related else "") + 'secured: "YWJj;ZGVm"\n---\n')


def corpus(tmp_path: Path, text: str) -> Path:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text(text, encoding="utf-8")
    return tmp_path


def _body(body: bytes, content_type: str, coding: str | None = None) -> Callable[[BaseHTTPRequestHandler], None]:
    headers = {"Content-Type": content_type, **({"Content-Encoding": coding} if coding else {})}
    return lambda h: send(h, 200, body, headers)


def _stream(chunks: Callable[[], Iterator[bytes]], length: int, content_type: str,
            coding: str | None = None) -> Callable[[BaseHTTPRequestHandler], None]:
    def handler(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(length))
        if coding:
            h.send_header("Content-Encoding", coding)
        h.end_headers()
        for chunk in chunks():
            h.wfile.write(chunk)
    return handler


def _fill_jpeg() -> Iterator[bytes]:
    yield b"\xff\xd8"
    for _ in range(16):
        yield b"\xff" * (1 << 20)


@pytest.fixture(scope="module")
def farm() -> Iterator[Farm]:
    with running_farm() as running:
        single = b"".join(bomb(GIB, "gzip"))  # ~1 MiB that decodes to 1 GiB
        running.routes.update({
            "/bomb/gzip": _body(single, "text/html", "gzip"),
            "/bomb/gzip-gzip": _body(stacked_bomb(GIB, ["gzip", "gzip"]), "text/html", "gzip, gzip"),
            "/bomb/deflate": _body(b"".join(bomb(GIB, "deflate")), "text/html", "deflate"),
            "/bomb/raw-deflate": _body(b"".join(bomb(GIB, "raw-deflate")), "text/html", "deflate"),
            "/bomb/three": _body(stacked_bomb(GIB, ["deflate", "gzip", "gzip"]), "text/html",
                                 "deflate, gzip, gzip"),
            "/unknown-coding": _body(b"whatever", "text/html", "gzip, compress"),
            "/corrupt-gzip": _body(b"this is not gzip", "text/html", "gzip"),
            "/fill.jpg": _stream(_fill_jpeg, 2 + (16 << 20), "image/jpeg"),
            "/bomb/fill.jpg": _body(stacked_bomb(GIB, ["gzip", "gzip"], fill=0xFF, prefix=b"\xff\xd8"),
                                    "image/jpeg", "gzip, gzip"),
            "/bad-location": lambda h: send(h, 302, headers={"Location": "http://[::1/x"}),
            "/bad-port": lambda h: send(h, 301, headers={"Location": "http://127.0.0.1:99999/x"}),
            "/explode": _body(b"<html><head><title>explode</title></head></html>", "text/html"),
        })
        yield running


def test_bombs_in_every_coding_are_read_to_the_limit_and_bad_codings_are_errors(tmp_path: Path,
                                                                                 farm: Farm) -> None:
    pages = ["/ok", "/bomb/gzip", "/bomb/gzip-gzip", "/bomb/deflate", "/bomb/raw-deflate", "/bomb/three",
             "/unknown-coding", "/corrupt-gzip"]
    images = [("/image.png", 480, 320), ("/fill.jpg", 640, 480), ("/bomb/fill.jpg", 640, 480)]
    work = corpus(tmp_path, seed([farm.url(p) for p in pages], [(farm.url(u), w, h) for u, w, h in images]))
    run = check(work, "--allow-private", "--no-cache")
    links = run.links()
    for path in pages[:6]:
        assert links[farm.url(path)]["status"] == "ok", links[farm.url(path)]
    assert links[farm.url("/unknown-coding")]["status"] == "error"
    assert links[farm.url("/unknown-coding")]["reason"] == \
        "cannot decode the response: unsupported Content-Encoding 'compress'"
    assert links[farm.url("/corrupt-gzip")]["status"] == "error"
    assert links[farm.url("/corrupt-gzip")]["reason"].startswith("cannot decode the response: the gzip data is corrupt")
    assert links[farm.url("/image.png")]["status"] == "ok"
    for path in ("/fill.jpg", "/bomb/fill.jpg"):  # a JPEG of fill bytes: no size, however long it is read
        assert links[farm.url(path)]["status"] == "error"
        assert links[farm.url(path)]["reason"] == ("could not find the image size in the first 2,097,152 bytes "
                                                   "(the read limit); declared 640x480 not verified")
    # Six bodies that decode to 1 GiB or more each, one of 16 MiB: read a bounded slice at a time.
    assert run.peak_rss_mb < 150, run.peak_rss_mb  # ~55 MB measured; one decoded bomb would be 1,024
    assert run.code == 0, run.stdout  # error verdicts are warnings: nothing here fails the run


def test_a_malformed_location_makes_that_link_an_error_and_the_run_goes_on(tmp_path: Path, farm: Farm) -> None:
    work = corpus(tmp_path, seed([farm.url("/ok"), farm.url("/bad-location"), farm.url("/bad-port")]))
    run = check(work, "--allow-private", "--no-cache", timeout=60)
    links = run.links()
    assert links[farm.url("/ok")]["status"] == "ok"
    assert links[farm.url("/bad-location")]["status"] == "error"
    assert links[farm.url("/bad-location")]["reason"] == "redirect to a malformed URL 'http://[::1/x'"
    assert links[farm.url("/bad-port")]["status"] == "error"
    assert links[farm.url("/bad-port")]["reason"] == "redirect to a malformed URL 'http://127.0.0.1:99999/x'"
    assert run.code == 0, run.stdout


# Checking one URL raises what nothing expected (here: reading the page, for one page only).
FAULT = """
import validator.check.classify as classify
real_page_facts = classify.page_facts
def page_facts(body, charset=None):
    if b"explode" in body:
        raise RuntimeError("boom")
    return real_page_facts(body, charset)
classify.page_facts = page_facts
"""


def test_an_unexpected_exception_on_one_url_is_an_error_for_that_link_only(tmp_path: Path, farm: Farm) -> None:
    work = corpus(tmp_path, seed([farm.url("/ok"), farm.url("/explode")], [(farm.url("/image.png"), 480, 320)]))
    run = check(work, "--allow-private", prelude=FAULT, timeout=60)
    links = run.links()
    assert links[farm.url("/explode")]["status"] == "error"
    assert links[farm.url("/explode")]["reason"] == ("internal error while checking this URL (RuntimeError: 'boom'); "
                                                     "not a verdict on the link, please report it")
    assert links[farm.url("/ok")]["status"] == "ok" and links[farm.url("/image.png")]["status"] == "ok"
    assert run.code == 0, run.stdout
    # Not remembered as a failure of the link: no run of internal errors ever turns it dead.
    with sqlite3.connect(work / ".seed-validator" / "cache.sqlite") as db:
        assert db.execute("SELECT count(*) FROM failures").fetchone() == (0,)


TRANSITION = {
    "http://[64:ff9b::a00:1]/story": "64:ff9b::a00:1 (NAT64 for 10.0.0.1)",
    "http://[64:ff9b:1::808:808]/story": "64:ff9b:1::808:808 (local-use NAT64)",
    "http://[2002:a00:1::1]/story": "2002:a00:1::1 (6to4 for 10.0.0.1)",
    "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/story":
        "2001:0:4136:e378:8000:63bf:f5ff:fffe (Teredo for 10.0.0.1)",
    "http://[::a9fe:a9fe]/story": "::a9fe:a9fe (IPv4-compatible for 169.254.169.254)",
    "http://[fec0::1]/story": "fec0::1 (site-local)",
}


def test_ipv6_transition_addresses_to_private_networks_are_skipped_unconnected(tmp_path: Path) -> None:
    work = corpus(tmp_path, seed(list(TRANSITION)))
    run = check(work, "--no-cache", timeout=60)
    links = run.links()
    for url, address in TRANSITION.items():
        # skipped, not error: the guard refused before any connection (one to these would fail or hang)
        assert links[url]["status"] == "skipped", links[url]
        host = url.split("[", 1)[1].split("]", 1)[0]
        assert links[url]["reason"].startswith(f"{host} resolves to a non-public address ({address}); not fetched")
    assert run.code == 0, run.stdout


def _cache(work: Path) -> Path:
    return work / ".seed-validator" / "cache.sqlite"


def test_cache_rows_another_version_wrote_are_misses_with_one_note(tmp_path: Path, farm: Farm) -> None:
    work = corpus(tmp_path, seed([farm.url("/ok"), farm.url("/gone")], [(farm.url("/image.png"), 480, 320)]))
    first = check(work, "--allow-private", timeout=60)
    assert first.code == 1  # /gone is dead
    with sqlite3.connect(_cache(work)) as db:
        db.execute("UPDATE verdicts SET status = 'zombie' WHERE key LIKE '%/ok%'")
        db.execute("UPDATE verdicts SET data = '{\"url\": 42}' WHERE key LIKE '%/gone%'")
        db.execute("UPDATE verdicts SET checked = 'last tuesday' WHERE key LIKE '%/image.png%'")
    run = check(work, "--allow-private", timeout=60)
    report = run.report()
    assert [link["from_cache"] for link in report["links"]] == [False, False, False]
    assert {link["status"] for link in report["links"]} == {"ok", "dead"}
    notes = [note for note in report["run"]["notes"] if "link cache" in note]
    assert notes == [f"link cache {Path('.seed-validator') / 'cache.sqlite'} holds entries this version cannot "
                     "read (written by another version, or damaged); those links were checked again"]
    assert run.code == 1


def test_a_read_only_cache_is_read_but_not_written_and_the_run_goes_on(tmp_path: Path, farm: Farm) -> None:
    work = corpus(tmp_path, seed([farm.url("/ok")], [(farm.url("/image.png"), 480, 320)]))
    assert check(work, "--allow-private", timeout=60).code == 0
    cache_dir = _cache(work).parent
    before = {path.name: path.read_bytes() for path in cache_dir.iterdir()}
    for path in cache_dir.iterdir():
        path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    cache_dir.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if writable_here(_cache(work), unprivileged=True):
            pytest.skip("file modes do not bind this user here (no way to drop the override)")
        run = check(work, "--allow-private", timeout=60, unprivileged=True)
    finally:
        cache_dir.chmod(stat.S_IRWXU)
    report = run.report()
    assert run.code == 0, run.stdout
    assert all(link["from_cache"] for link in report["links"])  # its verdicts were still used
    notes = [note for note in report["run"]["notes"] if "link cache" in note]
    assert len(notes) == 1 and "cannot be written" in notes[0] and "using the verdicts in it" in notes[0], notes
    assert {path.name: path.read_bytes() for path in cache_dir.iterdir()} == before  # untouched


def test_a_verdict_is_reused_only_under_the_settings_that_made_it(tmp_path: Path, farm: Farm) -> None:
    work = corpus(tmp_path, seed([farm.url("/ok"), farm.url("/gone")]))
    (work / "seed-validator.toml").write_text("accept = [410]\n", encoding="utf-8")
    accepting = check(work, "--allow-private", timeout=60)
    assert {url: link["status"] for url, link in accepting.links().items()} == \
        {farm.url("/ok"): "ok", farm.url("/gone"): "ok"}
    (work / "seed-validator.toml").unlink()
    # Without accept = [410] the 410 is dead again: nothing the accepting run cached is reused.
    default = check(work, "--allow-private", timeout=60)
    links = default.links()
    assert links[farm.url("/gone")]["status"] == "dead"
    assert [link["from_cache"] for link in links.values()] == [False, False]
    assert default.code == 1
    # The same settings again: every verdict comes from the cache.
    again = check(work, "--allow-private", timeout=60)
    assert {url: (link["status"], link["from_cache"]) for url, link in again.links().items()} == \
        {farm.url("/ok"): ("ok", True), farm.url("/gone"): ("dead", True)}
    # Without --allow-private the loopback farm is refused, not answered from what --allow-private cached.
    guarded = check(work, timeout=60)
    for link in guarded.links().values():
        assert (link["status"], link["from_cache"]) == ("skipped", False), link
        assert "resolves to a non-public address" in link["reason"]
    assert guarded.code == 0
