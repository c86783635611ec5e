"""The plain-HTTP fast path (check/wire.py) against scripted loopback servers: framing, keep-alive, broken and
hostile answers, redirects, and the address guard on every connection it makes."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from tests.integration.wire_server import SCRIPTS, Server, Writer, connections, get_all, plain
from validator.check.attempt import Failure, Fetched
from validator.check.client import Connections, request_head
from validator.check.fetch import fetch
from validator.check.guard import AddressPolicy, GuardedBackend
from validator.check.wire import target_of


def test_content_length_bodies_share_one_kept_alive_connection() -> None:
    seen, server = get_all(["/ok", "/ok", "/chunked", "/ok"])
    assert [f.status for f in seen] == [200] * 4
    assert seen[0].body == b"<title>ok</title>" and seen[0].headers["content-type"] == "text/html"
    assert seen[2].body == b"hello world" and not seen[2].body_truncated
    assert server.connections == 1 and len(server.requests) == 4


def test_header_values_are_read_as_httpx_reads_them() -> None:
    seen, _ = get_all(["/spaced"])
    assert seen[0].headers["content-type"] == "text/html; charset=utf-8" and seen[0].headers["x-empty"] == ""


def test_the_request_is_what_httpx_would_send() -> None:
    _, server = get_all(["/ok"])
    lines = server.requests[0].decode().split("\r\n")
    assert lines[0] == "GET /ok HTTP/1.1" and lines[1] == f"Host: 127.0.0.1:{server.port}"
    assert "User-Agent: wire-test" in lines and any(line.startswith("Accept-Encoding: gzip") for line in lines)


def test_chunked_framing_wins_over_a_content_length_and_tiny_chunks_arrive_whole() -> None:
    seen, server = get_all(["/both", "/tiny-chunks", "/ok"])
    assert seen[0].status == 200 and seen[0].body == b"hello"
    assert seen[1].body == b"x" * 50_000 and not seen[1].body_truncated
    assert seen[2].status == 200 and server.connections == 1


def test_a_body_without_a_length_ends_with_the_connection_and_is_not_reused() -> None:
    seen, server = get_all(["/until-close", "/ok"])
    assert seen[0].status == 200 and seen[0].body == b"<title>to the end</title>"
    assert seen[1].status == 200 and server.connections == 2


def test_connection_close_opens_a_new_connection_for_the_next_request() -> None:
    seen, server = get_all(["/close", "/ok"])
    assert [f.body for f in seen] == [b"bye", b"<title>ok</title>"] and server.connections == 2


def test_a_kept_alive_connection_the_server_dropped_is_replaced_without_a_failure() -> None:
    async def run() -> tuple[list[Fetched], Server]:
        async with Server() as server:
            getter = connections().getter()
            first = await fetch(getter, server.url("/once"), max_redirects=0, max_body=1000)
            await asyncio.sleep(0.2)  # the server's close reaches us while idle, or the next send finds it
            second = await fetch(getter, server.url("/ok"), max_redirects=0, max_body=1000)
            await getter.aclose()
            return [first, second], server
    seen, server = asyncio.run(run())
    assert [f.status for f in seen] == [200, 200] and server.connections == 2


def test_malformed_and_oversized_answers_are_broken_connections_not_hangs() -> None:
    seen, _ = get_all(["/malformed", "/huge-head", "/cut", "/ok"])
    assert [f.failure for f in seen[:3]] == [Failure.RESET] * 3
    # what llhttp refuses is asked again through httpx, whose reading (h11's) is the reference
    assert "illegal status line" in seen[0].detail and "over 100 KiB" in seen[1].detail
    assert "without sending complete message body" in seen[2].detail
    assert seen[3].status == 200  # the worker goes on, on a new connection


def test_a_server_that_stops_sending_is_a_read_timeout() -> None:
    seen, _ = get_all(["/silent"], timeout=0.3)
    assert seen[0].failure is Failure.READ_TIMEOUT and seen[0].status == 200


def test_a_never_ending_body_is_read_only_to_the_limit() -> None:
    seen, _ = get_all(["/endless", "/ok"], max_body=100_000)
    assert seen[0].status == 200 and seen[0].body_truncated and len(seen[0].body) == 100_000
    assert seen[1].status == 200


def test_redirects_interim_answers_and_codings() -> None:
    seen, server = get_all(["/redirect", "/interim", "/gzip"])
    assert [(h.url, h.status) for h in seen[0].hops] == [(server.url("/redirect"), 301)]
    assert seen[0].final_url == server.url("/ok") and seen[0].status == 200
    assert seen[1].status == 200 and seen[1].body == b"after hints"
    assert seen[2].body.startswith(b"<title>zipped</title>") and len(seen[2].body) == 100_021
    assert server.connections == 1


def test_the_guard_refuses_a_private_address_before_any_connection() -> None:
    seen, server = get_all(["/ok"], policy=AddressPolicy())
    assert seen[0].failure is Failure.BLOCKED_ADDRESS and "non-public address (127.0.0.1)" in seen[0].detail
    assert server.connections == 0


def test_the_guard_decides_every_hop_of_a_redirect() -> None:
    async def redirect_to_other_loopback(head: bytes, writer: Writer) -> None:
        port = head.split(b"Host: 127.0.0.1:")[1].split(b"\r\n")[0].decode()
        writer.write(plain("302 Found", b"", f"Location: http://127.0.0.2:{port}/ok"))

    SCRIPTS["/elsewhere"] = redirect_to_other_loopback
    try:
        seen, server = get_all(["/elsewhere"], policy=AddressPolicy.from_settings(False, ["127.0.0.1/32"]))
    finally:
        del SCRIPTS["/elsewhere"]
    assert seen[0].hops and seen[0].failure is Failure.BLOCKED_ADDRESS and "127.0.0.2" in seen[0].detail
    assert server.connections == 1


def test_a_refused_connection_is_connect_refused() -> None:
    async def run() -> Fetched:
        async with Server() as server:
            url = server.url("/ok")
        getter = connections().getter()
        try:
            return await fetch(getter, url, max_redirects=0, max_body=1000)
        finally:
            await getter.aclose()
    assert asyncio.run(run()).failure is Failure.CONNECT_REFUSED


def test_a_user_agent_that_cannot_be_sent_as_is_goes_to_httpx() -> None:
    assert request_head([("User-Agent", "ok/1.0")]) == b"User-Agent: ok/1.0\r\n\r\n"
    assert request_head([("User-Agent", "bad\r\nX-Injected: 1")]) is None
    assert request_head([("User-Agent", "café")]) is None


@pytest.mark.parametrize("url", [
    "http://news.example/a/b?x=1&y=%20", "http://NEWS.example:8080/", "http://news.example", "http://1.2.3.4:81/p#f",
    "http://news.example:80/a:b@c;d=e", "http://news.example./x", "http://-odd..example/%41?%2a=1", "http://a/..b/.c",
])
def test_what_the_fast_path_sends_is_what_httpx_sends(url: str) -> None:
    target = target_of(url)
    assert target is not None
    request = httpx.Request("GET", url)
    assert target.path.encode() == request.url.raw_path and target.authority == request.headers["Host"]
    assert target.host == request.url.host and target.port == (request.url.port or 80)


@pytest.mark.parametrize("url", [
    "https://news.example/", "http://bücher.example/", "http://news.example/a/../b", "http://news.example/./b",
    "http://news.example/a b", "http://[::1]/", "http://999.1.1.1/", "http://news.example:0/",
    "http://news.example:70000/", "http://user@news.example/", "http://news.example/{x}", "http://news.example/%zz",
    "http://1.2.3.999/", "ftp://news.example/", "HTTP://news.example/", "http://news.example?q", "http://news.example:/",
    "http://news.example/#a b", "http://news.example/a/..?x",
])
def test_what_the_fast_path_leaves_to_httpx(url: str) -> None:
    assert target_of(url) is None


def test_the_wire_and_httpx_see_the_same_answers() -> None:
    """The same scripted answers through both engines: status, failure kind, headers and body agree (only
    the wording of a failure may differ)."""
    paths = ["/ok", "/chunked", "/both", "/tiny-chunks", "/spaced", "/interim", "/gzip", "/redirect", "/until-close",
             "/close", "/malformed", "/cut", "/huge-head", "/endless"]

    async def run() -> list[list[tuple[object, ...]]]:
        seen: list[list[tuple[object, ...]]] = []
        async with Server() as server:
            for wire in (True, False):
                getter = connections().getter()
                if not wire:
                    getter._wire = None
                assert (getter._wire is not None) is wire
                row: list[tuple[object, ...]] = []
                for path in paths:
                    f = await fetch(getter, server.url(path), max_redirects=3, max_body=50_000)
                    row.append((path, f.status, f.failure, f.body, f.body_truncated, f.headers, f.hops, f.final_url))
                await getter.aclose()
                seen.append(row)
        return seen

    wire, httpx_path = asyncio.run(run())
    assert wire == httpx_path


def test_a_name_that_does_not_resolve_is_nxdomain_through_the_wire() -> None:
    async def no_such_name(host: str) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    async def run() -> Fetched:
        backend = GuardedBackend(AddressPolicy(allow_private=True), resolver=no_such_name)
        getter = Connections(backend, user_agent="t", timeout=5, connect_timeout=5).getter()
        try:
            return await fetch(getter, "http://no-such-name.example/a", max_redirects=0, max_body=1000)
        finally:
            await getter.aclose()

    fetched = asyncio.run(run())
    assert fetched.failure is Failure.DNS_NXDOMAIN and "no-such-name.example" in fetched.detail


def test_trailers_are_bounded_and_never_read_as_headers() -> None:
    """Trailers after a chunked body: 128 MB of them once grew the process by gigabytes (they woke no
    reader and had no limit); a Location in a trailer is not the answer's (httpx does not read it either)."""
    seen, _ = get_all(["/endless-trailers", "/trailer-location", "/ok"], timeout=5.0)
    assert seen[0].failure is Failure.RESET and "framing or trailers" in seen[0].detail
    assert seen[1].status == 301 and not seen[1].hops and "location" not in seen[1].headers  # nothing to follow
    assert seen[2].status == 200


def test_bytes_after_an_answer_never_become_the_next_answer() -> None:
    """A server writing two answers for one request (or an interim one after the real one): the first is the
    answer, the rest never overwrites it nor answers the next request (a new connection does)."""
    seen, server = get_all(["/two-answers", "/ok", "/answer-then-interim", "/ok"])
    assert [f.status for f in seen] == [200, 200, 200, 200]
    assert seen[0].body == b"<title>mine</title>"
    assert [(h.status) for h in seen[2].hops] == [301]  # its Location kept: followed to /ok
    assert server.connections >= 3  # each spoiled connection left for a new one


def test_answers_only_llhttp_refuses_are_read_as_httpx_reads_them() -> None:
    seen, _ = get_all(["/bare-lf", "/folded"])
    assert [(f.failure, f.status, f.body) for f in seen] == [(None, 200, b"ok"), (None, 200, b"ok")]


def test_a_body_without_a_length_cut_by_a_reset_is_not_whole() -> None:
    seen, _ = get_all(["/reset"])
    assert seen[0].failure is not None and seen[0].status == 200


def test_on_httpx_s_path_too_bytes_after_an_answer_never_answer_the_next_request() -> None:
    """A URL the wire leaves to httpx ('|' in its path): h11 kept the second answer's bytes and the reused
    connection read them as the next URL's answer (a live page reported dead 404)."""
    seen, server = get_all(["/two-answers|", "/ok|", "/ok|"])
    assert [(f.status, f.body) for f in seen] == [(200, b"<title>mine</title>"), (200, b"<title>ok</title>"),
                                                 (200, b"<title>ok</title>")]
    assert server.connections == 2  # the out-of-step connection left, the next one reused
