"""Plain-HTTP GETs on asyncio protocols, parsed by llhttp (httptools): the checker's fast path.

httpx over httpcore and h11 costs about four times lychee's CPU per URL, almost all in building, validating
and parsing each request and response in pure Python (docs/benchmarks.md). Here a worker's GET is one
pre-built request written to a kept-alive connection and an answer parsed in C. It takes only what it can
send exactly as httpx would: `http://` URLs whose text needs no normalising (target_of); everything else
(https, IDNA names, IPv6 literals, dot segments, characters httpx would escape) goes through httpx
(client.py). Connections are made to the addresses the guard allows, every connection of every hop.

What it raises are httpx's exceptions with the cause chained, so fetch reads a failure the same whichever
path the request took.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpcore
import httpx

from .guard import GuardedBackend
from .wire_protocol import HttpWire, Stale

# What httpx sends unchanged (lower-cased): a host of letters, digits, dots and hyphens; unreserved characters,
# sub-delims, ':' and '@' in the path (and '/', '?' in the query), %XX. Anything else is left to httpx.
_HOST = re.compile(r"[A-Za-z0-9.-]+")
_PLAIN_TARGET = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*(?:\?[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*)?")
_ESCAPED_TARGET = re.compile(r"/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*"
                             r"(?:\?(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?")
_DOT_SEGMENT = re.compile(r"/\.\.?(?:[/?]|$)")
_IPV4_STYLE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")  # httpx's test: such a host must be an address
# A kept-alive connection is reused for this long after its last answer (httpcore's setting in client.py).
KEEPALIVE_EXPIRY = 30.0


@dataclass(frozen=True, slots=True)
class Target:
    """Where a plain-HTTP GET goes: the host to resolve, the port, the Host header and request target."""

    host: str
    port: int
    authority: str
    path: str


def target_of(url: str) -> Target | None:
    """The request for `url` when it is one this path sends exactly as httpx would; None otherwise."""
    if not url.startswith("http://"):
        return None
    authority, _, rest = url[7:].partition("/")
    target, _, fragment = ("/" + rest).partition("#")
    host, colon, port_text = authority.partition(":")
    pattern = _ESCAPED_TARGET if "%" in target or "%" in fragment else _PLAIN_TARGET
    if (not _HOST.fullmatch(host) or not pattern.fullmatch(target) or _DOT_SEGMENT.search(target.partition("?")[0])
            or (fragment and not pattern.fullmatch("/?" + fragment))):
        return None
    host = host.lower()
    if _IPV4_STYLE.fullmatch(host) and not _is_ipv4(host):
        return None  # httpx refuses it as an invalid IPv4 address
    if colon and not (port_text.isascii() and port_text.isdigit() and len(port_text) <= 5):
        return None
    port = int(port_text) if port_text else 80
    if not 0 < port < 65536:
        return None
    return Target(host, port, host if port == 80 else f"{host}:{port}", target)


@functools.lru_cache(maxsize=1024)
def _is_ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


class WireResponse:
    """An answer's status and headers, its raw body as it arrives, and the connection handed back on close."""

    __slots__ = ("_closed", "_conn", "_key", "_owner", "_read_timeout", "headers", "status")

    def __init__(self, owner: Wire, key: tuple[str, int], conn: HttpWire, read_timeout: float) -> None:
        self._owner, self._key, self._conn, self._read_timeout = owner, key, conn, read_timeout
        self._closed = False
        self.status = conn.status
        self.headers = conn.header_pairs()

    async def raw(self) -> AsyncIterator[bytes]:
        conn = self._conn
        while True:
            chunk = conn.take()
            if chunk:
                yield chunk
            elif conn.complete:
                return
            else:
                await conn.wait(self._read_timeout)

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            self._owner.done(self._key, self._conn)


class Wire:
    """One worker's plain-HTTP connections: one kept alive per origin, at most `connections` of them."""

    def __init__(self, guard: GuardedBackend, head: bytes, *, timeout: float, connect_timeout: float,
                 connections: int) -> None:
        self._guard, self._head = guard, head
        self._timeout, self._connect_timeout, self._connections = timeout, connect_timeout, connections
        self._idle: dict[tuple[str, int], HttpWire] = {}
        self._open: set[HttpWire] = set()

    async def get(self, target: Target) -> WireResponse:
        key = (target.host, target.port)
        request = b"GET %s HTTP/1.1\r\nHost: %s\r\n%s" % (target.path.encode(), target.authority.encode(), self._head)
        conn = self._idle.pop(key, None)
        if conn is not None and conn.reusable(KEEPALIVE_EXPIRY):
            try:
                return await self._exchange(key, conn, request, reused=True)
            except Stale:
                pass  # closed by the server between two requests: once more on a new connection (a GET)
        elif conn is not None:
            self._close(conn)
        return await self._exchange(key, await self._connect(target), request, reused=False)

    async def _exchange(self, key: tuple[str, int], conn: HttpWire, request: bytes, *, reused: bool,
                        ) -> WireResponse:
        try:
            await conn.send(request, self._timeout, reused=reused)
        except BaseException:
            self._close(conn)
            raise
        return WireResponse(self, key, conn, self._timeout)

    async def _connect(self, target: Target) -> HttpWire:
        try:
            addresses = await self._guard.allowed(target.host)
        except httpcore.ConnectError as exc:  # BlockedAddress, DnsFailure: fetch finds them in the cause
            raise httpx.ConnectError(str(exc)) from exc
        error: httpx.HTTPError | None = None
        for address in addresses:
            try:
                conn = await HttpWire.connect(str(address), target.port, self._connect_timeout)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                error = exc
                continue
            self._open.add(conn)
            while len(self._open) > self._connections and self._idle:  # the longest idle goes
                self._close(self._idle.pop(next(iter(self._idle))))
            return conn
        assert error is not None
        raise error

    def done(self, key: tuple[str, int], conn: HttpWire) -> None:
        """The answer is closed: keep the connection for the origin's next request, or close it."""
        if not conn.finish():
            self._close(conn)
            return
        previous = self._idle.pop(key, None)
        if previous is not None and previous is not conn:
            self._close(previous)
        self._idle[key] = conn

    def _close(self, conn: HttpWire) -> None:
        self._open.discard(conn)
        conn.close()

    async def aclose(self) -> None:
        for conn in list(self._open):
            self._close(conn)
        self._idle.clear()
