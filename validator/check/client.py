"""The engine set-up: each worker sends through connections of its own, made through the guard.

Plain-HTTP URLs go over wire.py (llhttp-parsed, no httpx models); everything else, and every request when a
test injects a transport, goes through httpx. fetch sees the same Answer and the same exceptions either way.

httpcore's pool re-scans every connection (and asks each idle socket whether it is readable) for every
request: a shared pool of 80 costs about 4 ms of CPU per URL, a pool of 8 per host still about 0.3 ms
(docs/benchmarks.md). A worker checks its host's URLs one after the other, so it needs no pool at all:
one kept-alive connection for the origin at hand, and one for a redirect target.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import AsyncIterator
from typing import Protocol

import httpcore
import httpx

from .decode import ACCEPT_ENCODING
from .guard import GuardedBackend
from .wire import Wire, target_of
from .wire_protocol import Unparsed

# The origin being checked plus one redirect target (http → https, www → apex) kept alive.
WORKER_CONNECTIONS = 2
# What requests are sent through: the engine's seam (tests give an httpx.MockTransport or respx's).
Transport = httpx.AsyncBaseTransport


def _out_of_step(connection: httpcore.AsyncHTTPConnection) -> bool:
    """Whether bytes came after the last answer on this HTTP/1.1 connection (a server writing two answers to one
    request): h11 keeps them and would read them as the next request's answer; such a connection is not reused.
    httpcore exposes no public way to ask, so its h11 state is read where it is, and anything else reads as
    in step."""
    state = getattr(getattr(connection, "_connection", None), "_h11_state", None)
    data = getattr(state, "trailing_data", None)
    return isinstance(data, tuple) and bool(data and data[0])


class _SequentialConnections:
    """httpcore connections for one worker, which sends one request at a time: one kept-alive connection
    per origin, at most WORKER_CONNECTIONS of them. What a pool adds (locks, queues, a scan of every
    connection per request) buys nothing for a single sequential user."""

    def __init__(self, backend: GuardedBackend, ssl_context: ssl.SSLContext, *, http2: bool) -> None:
        self._backend, self._ssl_context, self._http2 = backend, ssl_context, http2
        self._connections: dict[tuple[bytes, bytes, int], httpcore.AsyncHTTPConnection] = {}

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        origin = request.url.origin
        key = (origin.scheme, origin.host, origin.port)  # Origin itself is not hashable
        connection = self._connections.get(key)
        if (connection is None or connection.is_closed() or connection.has_expired() or not connection.is_available()
                or _out_of_step(connection)):
            connection = await self._open(key, origin)
        try:
            return await connection.handle_async_request(request)
        except httpcore.ConnectionNotAvailable:  # closed under us between requests: once more, on a new one
            connection = await self._open(key, origin)
            return await connection.handle_async_request(request)

    async def _open(self, key: tuple[bytes, bytes, int], origin: httpcore.Origin) -> httpcore.AsyncHTTPConnection:
        await self._drop(key)
        while len(self._connections) >= WORKER_CONNECTIONS:
            await self._drop(next(iter(self._connections)))
        connection = self._connections[key] = httpcore.AsyncHTTPConnection(
            origin, ssl_context=self._ssl_context, keepalive_expiry=30.0, http1=True, http2=self._http2,
            network_backend=self._backend)
        return connection

    async def _drop(self, key: tuple[bytes, bytes, int]) -> None:
        connection = self._connections.pop(key, None)
        if connection is not None:
            await connection.aclose()

    async def aclose(self) -> None:
        for key in list(self._connections):
            await self._drop(key)

    async def __aenter__(self) -> _SequentialConnections:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport (its exception mapping included) over connections made through the guard."""

    def __init__(self, backend: GuardedBackend, ssl_context: ssl.SSLContext, *, http2: bool = True) -> None:
        super().__init__(verify=ssl_context, trust_env=False, http2=http2)  # one shared, loaded context
        # httpx offers no parameter for the network backend; what it sends through is replaced here.
        self._pool = _SequentialConnections(backend, ssl_context, http2=http2)  # type: ignore[assignment]


class Answer(Protocol):
    """A response as fetch reads it: status, headers as they came, the raw (undecoded) body, aclose."""

    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> list[tuple[str, str]]: ...

    def raw(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


class _HttpxAnswer:
    __slots__ = ("_response",)

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> list[tuple[str, str]]:
        return self._response.headers.multi_items()

    def raw(self) -> AsyncIterator[bytes]:
        """The body as it came over the wire. A response a transport built in memory (tests' mock
        transports) was read when it was made, but its stream still holds the undecoded bytes."""
        response = self._response
        if response.is_stream_consumed and isinstance(response.stream, httpx.AsyncByteStream):
            return aiter(response.stream)
        return response.aiter_raw()

    async def aclose(self) -> None:
        await self._response.aclose()


class Getter:
    """Sends one GET: over `wire` when it can take the URL, else straight to the httpx transport. No
    redirects followed, no cookie jar, no auth.

    httpx.AsyncClient would add only what the checker must not have (cookies kept between
    requests, its own redirect handling) and a quarter of the CPU per request.
    """

    def __init__(self, transport: httpx.AsyncBaseTransport, *, user_agent: str, timeout: float,
                 connect_timeout: float, owns_transport: bool) -> None:
        self.transport = transport
        self._owns_transport = owns_transport
        self.request_headers = [("User-Agent", user_agent),
                         ("Accept", "text/html,application/xhtml+xml,image/*;q=0.9,*/*;q=0.8"),
                         ("Accept-Language", "en;q=0.9,*;q=0.5"), ("Accept-Encoding", ACCEPT_ENCODING)]
        self._extensions = {"timeout": httpx.Timeout(timeout, connect=connect_timeout).as_dict()}
        self._wire: Wire | None = None

    def use_wire(self, wire: Wire) -> None:
        self._wire = wire

    async def get(self, url: str) -> Answer:
        """The response with its body unread (read raw(), then aclose); httpx exceptions as httpx raises them."""
        target = target_of(url) if self._wire is not None else None
        if self._wire is not None and target is not None:
            # llhttp is stricter than h11 (a bare LF, a folded header, a doubled Content-Length): an answer only
            # it refuses is asked for again through httpx, whose reading is the checker's reference.
            with contextlib.suppress(Unparsed):
                return await self._wire.get(target)
        request = httpx.Request("GET", url, headers=self.request_headers, extensions=self._extensions)
        response = await self.transport.handle_async_request(request)
        response.request = request
        return _HttpxAnswer(response)

    async def aclose(self) -> None:
        if self._wire is not None:
            await self._wire.aclose()
        if self._owns_transport:
            await self.transport.aclose()


def request_head(headers: list[tuple[str, str]]) -> bytes | None:
    """The request's header lines after Host, as wire.py sends them; None when a value could not be sent as
    is (a configured User-Agent with a line break or non-ASCII text is left to httpx to refuse or encode)."""
    lines = [f"{name}: {value}\r\n" for name, value in headers]
    text = "".join(lines)
    if not text.isascii() or any(c in value for _, value in headers for c in "\r\n\0"):
        return None
    return text.encode("ascii") + b"\r\n"


class _OnFirstUse(httpx.AsyncBaseTransport):
    """A worker's httpx transport, made when its first request comes: a run of plain-HTTP links (the wire's)
    never loads the CA bundle or builds httpx's transports."""

    def __init__(self, connections: Connections) -> None:
        self._connections = connections
        self._inner: _GuardedTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._inner is None:
            self._inner = _GuardedTransport(self._connections.backend, self._connections.ssl_context())
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()


class Connections:
    """Hands each worker a Getter: over its own guarded pool, or over the one transport a test injected."""

    def __init__(self, backend: GuardedBackend, *, user_agent: str, timeout: float, connect_timeout: float,
                 shared: Transport | None = None) -> None:
        self.backend = backend
        self._ssl_context: ssl.SSLContext | None = None
        self._shared = shared
        self._user_agent, self._timeout, self._connect_timeout = user_agent, timeout, connect_timeout

    def getter(self) -> Getter:
        if self._shared is not None:
            return Getter(self._shared, user_agent=self._user_agent, timeout=self._timeout,
                          connect_timeout=self._connect_timeout, owns_transport=False)
        getter = Getter(_OnFirstUse(self), user_agent=self._user_agent,
                        timeout=self._timeout, connect_timeout=self._connect_timeout, owns_transport=True)
        head = request_head(getter.request_headers)
        if head is not None:
            getter.use_wire(Wire(self.backend, head, timeout=self._timeout, connect_timeout=self._connect_timeout,
                                 connections=WORKER_CONNECTIONS))
        return getter

    def ssl_context(self) -> ssl.SSLContext:
        """One context for the run, the CA bundle loaded once (each load costs ~20 ms), when first needed."""
        if self._ssl_context is None:
            self._ssl_context = httpx.create_ssl_context(trust_env=False)
        return self._ssl_context
