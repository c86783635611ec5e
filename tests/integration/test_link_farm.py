"""The checker against real HTTP servers on loopback: the real client, pools, guard and deadlines."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.integration.server import Farm, running_farm, send
from tests.linkcheck import Sleeps, entry, run_links, verdict
from validator.models import LinkKind, LinkStatus

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def farm() -> Iterator[Farm]:
    with running_farm() as running:
        yield running


def one(farm: Farm, path: str, kind: LinkKind = LinkKind.PAGE, **options: object) -> tuple[LinkStatus, str, int]:
    url = farm.url(path)
    item = entry(url, kind, image=(480, 320) if kind is LinkKind.IMAGE else None)
    options.setdefault("allow_private", True)
    result = run_links([item], **options)  # type: ignore[arg-type]
    outcome = verdict(result, url)
    return outcome.status, outcome.reason, outcome.elapsed_ms


def test_ok_gone_missing_and_slow(farm: Farm) -> None:
    assert one(farm, "/ok")[0] is LinkStatus.OK
    assert one(farm, "/gone")[:2] == (LinkStatus.DEAD, "HTTP 410")
    assert one(farm, "/missing")[:2] == (LinkStatus.DEAD, "HTTP 404")
    assert one(farm, "/slow", timeout=5.0)[0] is LinkStatus.OK


@pytest.mark.parametrize("path", ["/hang", "/drip"])
def test_hanging_and_slow_drip_servers_are_cut_off_by_the_deadline(farm: Farm, path: str) -> None:
    status, reason, elapsed_ms = one(farm, path, timeout=1.0, retries=0)
    assert status is LinkStatus.ERROR
    assert "no verdict within the 1 s deadline" in reason or "read timeout" in reason
    assert elapsed_ms < 3000  # the deadline holds (1 s), with slack for a loaded machine


def test_reset_connection_is_retried_then_an_error(farm: Farm) -> None:
    before = farm.hits.get("/reset", 0)
    status, reason, _ = one(farm, "/reset", retries=2, sleeps=Sleeps())
    assert status is LinkStatus.ERROR and "after 3 attempts" in reason
    assert farm.hits["/reset"] - before == 3


def test_redirect_loop(farm: Farm) -> None:
    status, reason, _ = one(farm, "/loop-a")
    assert status is LinkStatus.ERROR and "redirect loop" in reason


@pytest.mark.parametrize("path", ["/huge", "/bomb"])
def test_huge_and_gzip_bomb_bodies_are_read_only_up_to_the_bound(farm: Farm, path: str) -> None:
    started = time.monotonic()
    status, _, _ = one(farm, path, timeout=10.0)
    assert status is LinkStatus.OK
    assert time.monotonic() - started < 8  # 1 GiB / 64 MiB were not read


def test_429_with_retry_after_is_honoured(farm: Farm) -> None:
    sleeps = Sleeps()
    status, _, _ = one(farm, "/rate-limited", sleeps=sleeps)
    assert status is LinkStatus.OK and sleeps.delays == [1.0]


def test_a_server_rejecting_head_is_not_dead(farm: Farm) -> None:
    assert one(farm, "/no-head")[0] is LinkStatus.OK


def test_image_and_amp_pages(farm: Farm) -> None:
    assert one(farm, "/image.png", LinkKind.IMAGE)[0] is LinkStatus.OK
    assert one(farm, "/ok", LinkKind.IMAGE)[1] == "serves text/html, not an image"
    assert one(farm, "/amp", LinkKind.AMP)[0] is LinkStatus.OK
    assert one(farm, "/not-amp", LinkKind.AMP)[0] is LinkStatus.MISMATCH


def test_the_guard_refuses_a_name_that_resolves_to_loopback(farm: Farm) -> None:
    url = f"http://localhost:{farm.port}/ok"
    before = farm.hits.get("/ok", 0)
    result = run_links([entry(url)])
    outcome = verdict(result, url)
    assert outcome.status is LinkStatus.SKIPPED
    assert "localhost resolves to a non-public address (127.0.0.1" in outcome.reason
    assert farm.hits.get("/ok", 0) == before  # no request reached the server


def test_the_guard_refuses_an_ip_literal_and_a_redirect_to_a_private_address(farm: Farm) -> None:
    with running_farm("127.0.0.2") as public:
        # 127.0.0.2 stands in for a public host (allowed by the allow-list); it redirects into 127.0.0.1.
        public.routes["/to-private"] = lambda h: send(h, 302, headers={"Location": farm.url("/ok")})
        before = farm.hits.get("/ok", 0)
        url = public.url("/to-private")
        result = run_links([entry(url), entry(farm.url("/ok"))], allow_networks=["127.0.0.2/32"])
        redirected = verdict(result, url)
        assert redirected.status is LinkStatus.SKIPPED and "127.0.0.1" in redirected.reason
        assert redirected.redirects == (farm.url("/ok"),)
        assert verdict(result, farm.url("/ok")).status is LinkStatus.SKIPPED
        assert farm.hits.get("/ok", 0) == before


def test_refused_connection_on_a_closed_port(farm: Farm) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    result = run_links([entry(url), entry(farm.url("/ok"))], allow_private=True)
    assert (verdict(result, url).status, verdict(result, url).attempts) == (LinkStatus.ERROR, 1)
    assert verdict(result, url).reason == "connection refused"


def test_per_host_limit_holds_and_connections_are_reused(farm: Farm) -> None:
    active = {"now": 0, "max": 0}

    def counted(h: BaseHTTPRequestHandler) -> None:
        with farm.lock:
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
        farm.stop.wait(0.05)
        with farm.lock:
            active["now"] -= 1
        send(h, 200, b"<html><title>x</title></html>", {"Content-Type": "text/html"})

    for i in range(12):
        farm.routes[f"/p{i}"] = counted
    urls = [farm.url(f"/p{i}") for i in range(12)]
    result = run_links([entry(u, LinkKind.IMAGE) for u in urls], allow_private=True, per_host=2)
    assert all(verdict(result, u).status is LinkStatus.MISMATCH for u in urls)  # html served as an "image"
    assert active["max"] == 2


def test_cache_makes_a_rerun_fetch_nothing(farm: Farm, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    urls = [farm.url("/ok"), farm.url("/missing"), farm.url("/reset")]
    first = run_links([entry(u) for u in urls], allow_private=True, cache=cache, retries=0)
    assert not any(verdict(first, u).from_cache for u in urls)
    hits = dict(farm.hits)
    second = run_links([entry(u) for u in urls], allow_private=True, cache=cache, retries=0)
    assert verdict(second, urls[0]).from_cache and verdict(second, urls[1]).from_cache
    assert verdict(second, urls[1]).status is LinkStatus.DEAD
    assert not verdict(second, urls[2]).from_cache  # an error is not a verdict: fetched again
    assert farm.hits["/ok"] == hits["/ok"] and farm.hits["/missing"] == hits["/missing"]
    assert farm.hits["/reset"] == hits["/reset"] + 1



def test_a_worker_keeps_its_connection_alive_across_urls(farm: Farm) -> None:
    ports: set[int] = set()

    def remember_port(h: BaseHTTPRequestHandler) -> None:
        with farm.lock:
            ports.add(h.client_address[1])
        send(h, 200, b"<html><title>x</title></html>", {"Content-Type": "text/html"})

    for i in range(10):
        farm.routes[f"/keep{i}"] = remember_port
    urls = [farm.url(f"/keep{i}") for i in range(10)]
    result = run_links([entry(u) for u in urls], allow_private=True, per_host=1, soft_404_probe=False)
    assert all(verdict(result, u).status is LinkStatus.OK for u in urls)
    assert len(ports) == 1  # ten requests, one TCP connection


def test_a_hanging_soft_404_probe_neither_delays_nor_decides_the_pages_verdict() -> None:
    with running_farm() as farm:
        farm.fallback = farm.routes["/hang"]  # every path that cannot exist hangs
        urls = [farm.url("/ok"), farm.url("/slow")]
        result = run_links([entry(u) for u in urls], allow_private=True, timeout=2.0, retries=0)
        probes = [path for path in farm.hits if path.startswith("/seed-validator-")]
    assert len(probes) == 1  # the host was probed, once
    for url in urls:
        assert (verdict(result, url).status, verdict(result, url).reason) == (LinkStatus.OK, "HTTP 200")
    assert any("soft-404 probe got no answer" in note and "127.0.0.1" in note for note in result.notes)
