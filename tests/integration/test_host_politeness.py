"""Politeness against loopback servers: one server however its address is spelled, and a host's failure
limit that only its own unavailability reaches (not another host redirecting to a closed port on it)."""

from __future__ import annotations

import socket
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


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once the socket is closed


def test_another_host_redirecting_to_a_closed_port_does_not_hide_a_hosts_dead_links() -> None:
    """40 URLs on one host redirect to a closed port on the victim's host: the victim's own dead links are
    still dead and its live ones ok, not "not checked" because of failures that were never its site's."""
    closed = _closed_port()
    with running_farm("127.0.0.1") as victim, running_farm("127.0.0.2") as attacker:
        victim.fallback = lambda h: _story(victim, h)
        attacker.fallback = lambda h: send(h, 302, headers={"Location": f"http://127.0.0.1:{closed}{h.path}"})
        redirected = [attacker.url(f"/away/{i}") for i in range(40)]
        dead = [victim.url(f"/news/gone-{i}") for i in range(10)]
        live = [victim.url(f"/news/story-{i}") for i in range(10)]
        victims = live + dead  # the live pages' probes give the redirects time: then the dead ones are asked
        result = run_links([entry(u) for u in redirected + victims], allow_networks=["127.0.0.0/8"])
    assert {u: verdict(result, u).status for u in dead} == dict.fromkeys(dead, LinkStatus.DEAD)
    assert {u: verdict(result, u).status for u in live} == dict.fromkeys(live, LinkStatus.OK)
    assert all(verdict(result, u).attempts >= 1 for u in redirected)  # the redirecting host is not given up
