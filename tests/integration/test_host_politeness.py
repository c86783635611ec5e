"""Politeness against loopback servers: one server however its address is spelled, and a host's failure
limit that only its own unavailability reaches (not another host redirecting to a closed port on it)."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest

from tests.integration.server import Farm, running_farm, send
from tests.linkcheck import entry, run_links, verdict
from validator.models import LinkStatus

pytestmark = pytest.mark.slow


def _story(farm: Farm, h: BaseHTTPRequestHandler) -> None:
    path = h.path.split("?", 1)[0]
    farm.stop.wait(0.05)  # long enough for requests to overlap
    if "gone" in path:
        send(h, 404)
    else:
        send(h, 200, f"<html><title>{path}</title><p>The story at {path}.</p></html>".encode(),
             {"Content-Type": "text/html"})


def test_every_spelling_of_one_address_shares_its_per_host_limit() -> None:
    with running_farm("127.0.0.1") as farm:
        farm.fallback = lambda h: _story(farm, h)
        spellings = ["127.0.0.1", "127.1", "2130706433", "0x7f000001"]
        urls = [f"http://{spelling}:{farm.port}/story/{n}-{i}" for n, spelling in enumerate(spellings)
                for i in range(4)]
        result = run_links([entry(u) for u in urls], allow_networks=["127.0.0.0/8"], per_host=1, concurrency=64)
        most = farm.most_in_flight
    assert {u: verdict(result, u).status for u in urls} == dict.fromkeys(urls, LinkStatus.OK)
    assert most == 1
