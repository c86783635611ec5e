"""What politeness is kept by: the server a host names (every spelling of one address is one host), and the
origin a failure count belongs to (a closed port, or another host's redirect, gives nobody's site up)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.linkcheck import Sleeps
from validator import config
from validator.check.attempt import Failure, Fetched, Hop
from validator.check.politeness import HostPolicy, Politeness, host_policy
from validator.urls import host_of, legacy_ipv4, origin_of, plain_authority, server_host

LOOPBACK = ["127.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f000001", "0X7F.0.0.1", "0177.0.0.1", "0x7f.1",
            "127.0.0.1.", "::ffff:127.0.0.1", "[::ffff:7f00:1]"]


@pytest.mark.parametrize("spelling", LOOPBACK)
def test_every_spelling_of_an_ipv4_address_is_one_server(spelling: str) -> None:
    assert server_host(spelling) == "127.0.0.1"


@pytest.mark.parametrize("spelling", [s for s in LOOPBACK if ":" not in s])
def test_the_legacy_spellings_are_the_ones_the_system_connects_to(spelling: str) -> None:
    assert legacy_ipv4(spelling) == ipaddress.IPv4Address(socket.inet_aton(spelling.removesuffix(".")))


@pytest.mark.parametrize("host, server", [
    ("Example.COM.", "example.com"), ("[2001:DB8:0:0::1]", "2001:db8::1"), ("2001:0db8::0001", "2001:db8::1"),
    ("1.2.3.4.5", "1.2.3.4.5"), ("256.1.1.1", "256.1.1.1"), ("1.16777216", "1.16777216"), ("08.1", "08.1"),
    ("0x", "0x"), ("1.a", "1.a"), ("a.1", "a.1"), ("1_0.0.0.1", "1_0.0.0.1"), ("+1.0.0.1", "+1.0.0.1"),
    ("123", "0.0.0.123"), ("1.16777215", "1.255.255.255"), ("0x" + "0" * 5000 + "7f000001", "127.0.0.1"),
    ("9" * 5000, "9" * 5000), ("1." * 10_000, "1." * 9_999 + "1")])
def test_names_stay_names_and_only_what_parses_as_an_address_is_one(host: str, server: str) -> None:
    assert server_host(host) == server


def test_an_origin_is_scheme_server_and_port() -> None:
    assert origin_of("HTTP://127.1:8080/a?b") == "http://127.0.0.1:8080"
    assert origin_of("https://News.Example.:443/x") == "https://news.example"
    assert origin_of("http://[::1]:80/") == "http://[::1]"
    assert origin_of("https://news.example:8443/") == "https://news.example:8443"


def test_every_spelling_of_one_server_waits_for_the_same_slots() -> None:
    politeness = Politeness(config.LinkSettings(per_host=1, concurrency=64), sleep=Sleeps())
    in_flight = most = 0

    async def request(host: str) -> None:
        nonlocal in_flight, most
        async with politeness.request(host):
            in_flight += 1
            most = max(most, in_flight)
            await asyncio.sleep(0.001)
            in_flight -= 1

    async def main() -> None:
        await asyncio.gather(*(request(host) for host in LOOPBACK * 2))

    asyncio.run(main())
    assert most == 1


def test_a_host_override_holds_for_every_spelling_of_its_server() -> None:
    links = config.LinkSettings(per_host=4, host_interval=0.0, timeout=20.0,
                                hosts={"127.0.0.1": config.HostOverride(per_host=1, timeout=60.0)})
    assert {host_policy(links, spelling) for spelling in LOOPBACK} == {HostPolicy(1, 0.0, 60.0)}
    assert Politeness(links, sleep=Sleeps()).policy("2130706433") == HostPolicy(1, 0.0, 60.0)


def refused(url: str, *, via: str | None = None) -> Fetched:
    """A connection refused at `url`, asked for directly or reached through a redirect from `via`."""
    if via is None:
        return Fetched(url, failure=Failure.CONNECT_REFUSED, detail="connection refused")
    return Fetched(via, hops=[Hop(via, 302)], final_url=url, failure=Failure.CONNECT_REFUSED,
                   detail="connection refused")


def test_failures_count_per_origin_so_a_closed_port_is_not_the_site() -> None:
    politeness = Politeness(config.LinkSettings(host_failure_limit=2), sleep=Sleeps())
    for i in range(3):
        politeness.record("victim.example", refused(f"http://victim.example:1/{i}"))
    assert politeness.refusal("http://victim.example:1/next") == (
        "not checked: http://victim.example:1 failed 3 connections in a row (last: connection refused)")
    assert politeness.refusal("http://victim.example/news/1") is None
    assert politeness.refusal("https://victim.example/news/1") is None


def test_failures_reached_through_another_hosts_redirect_give_nobody_up() -> None:
    politeness = Politeness(config.LinkSettings(host_failure_limit=2), sleep=Sleeps())
    for i in range(40):
        politeness.record("attacker.example",
                          refused(f"http://victim.example/{i}", via=f"http://attacker.example/{i}"))
    assert politeness.refusal("http://victim.example/news/1") is None
    assert politeness.refusal("http://attacker.example/next") is None  # it answered every time
    assert "victim.example" in politeness.facts().attempted  # what the post-pass learns is unchanged


def test_a_redirect_within_the_host_counts_toward_the_origin_it_failed_at() -> None:
    politeness = Politeness(config.LinkSettings(host_failure_limit=2), sleep=Sleeps())
    for i in range(2):
        politeness.record("news.example", refused(f"https://news.example/{i}", via=f"http://news.example/{i}"))
    assert politeness.refusal("https://news.example/x") is not None
    assert politeness.refusal("http://news.example/x") is None
    politeness.record("news.example", Fetched("https://news.example/y", status=200, connected=True))
    assert politeness.refusal("https://news.example/x") is None


# The shortcut that reads a plain URL's host and port without urlsplit (urls.plain_authority) must answer
# exactly as urlsplit does whenever it answers: politeness, origins and the skip decision rest on it.
_URL_TEXT = st.text(alphabet="aZ09.-:/?#@[]%\t\n \x00\u00e9\uff0e", max_size=16)


@given(scheme=st.sampled_from(["http", "https", "HTTP", "h+t.p-1", "ftp", "1x"]), rest=_URL_TEXT)
@settings(max_examples=3000, deadline=None)
def test_the_plain_authority_shortcut_reads_hosts_and_ports_as_urlsplit_does(scheme: str, rest: str) -> None:
    url = f"{scheme}://{rest}"
    plain = plain_authority(url)
    if plain is None:
        return
    parts = urlsplit(url)
    assert plain == (parts.hostname, parts.port)
    assert host_of(url) == (parts.hostname.rstrip(".") if parts.hostname else None)


@pytest.mark.parametrize("url", ["http://a.com:65536/", "http://a.com\t/x", " http://a.com/", "http://u@a.com/",
                                 "http://[::1]/", "http://a.com:8x/", "http:/a.com/", "http://exa\nmple.com/"])
def test_urls_not_of_the_plain_shape_are_left_to_urlsplit(url: str) -> None:
    assert plain_authority(url) is None


@pytest.mark.parametrize(("spelling", "server"), [("127\u30020\u30020\u30021", "127.0.0.1"),
                                                  ("127\uff0e0\uff0e0\uff0e1", "127.0.0.1"),
                                                  ("B\u00dcCHER.example.", "xn--bcher-kva.example")])
def test_a_host_that_is_not_ascii_is_the_server_httpx_connects_to(spelling: str, server: str) -> None:
    """An attacker trial: `127。0。0。1` (ideographic full stops) is 127.0.0.1 to httpx (IDNA), but politeness
    took it for a name that had resolved, so in a resolver outage every public name was called dead."""
    assert server_host(spelling) == server
