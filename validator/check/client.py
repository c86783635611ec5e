"""The httpx set-up: one small connection pool per host behind one client, all through the guard.

A single shared pool costs about 4 ms of CPU per URL at high concurrency (httpcore re-scans every
connection for every queued request); pools sized to the per-host limit cost about 1.5 ms
(docs/performance-notes.md), and they enforce the per-host limit on connections for free.
"""

from __future__ import annotations

import ssl
from types import TracebackType

import httpcore
import httpx

from .guard import GuardedBackend


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport (its exception mapping included) over a pool that connects through the guard."""

    def __init__(self, backend: GuardedBackend, ssl_context: ssl.SSLContext, connections: int,
                 http2: bool) -> None:
        super().__init__(verify=ssl_context, trust_env=False, http2=http2)  # one shared, loaded context
        # httpx offers no parameter for the network backend; its pool is rebuilt here with one.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context, max_connections=connections, max_keepalive_connections=connections,
            keepalive_expiry=30.0, http1=True, http2=http2, network_backend=backend)


class HostPoolTransport(httpx.AsyncBaseTransport):
    """Routes each request to its origin's own pool, created on first use."""

    def __init__(self, backend: GuardedBackend, *, connections_for: dict[str, int], default_connections: int,
                 http2: bool = True) -> None:
        self._backend = backend
        self._ssl_context = httpx.create_ssl_context(trust_env=False)
        self._connections_for = connections_for
        self._default = default_connections
        self._http2 = http2
        self._pools: dict[tuple[str, str, int | None], _GuardedTransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.scheme, url.host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            connections = self._connections_for.get(url.host, self._default)
            pool = self._pools[key] = _GuardedTransport(self._backend, self._ssl_context, connections, self._http2)
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
        self._pools.clear()

    async def __aexit__(self, exc_type: type[BaseException] | None = None, exc_value: BaseException | None = None,
                        traceback: TracebackType | None = None) -> None:
        await self.aclose()


class Getter:
    """Sends one GET straight to the transport: no redirects followed, no cookie jar, no auth.

    httpx.AsyncClient would add only what the checker must not have (cookies kept between
    requests, its own redirect handling) and a quarter of the CPU per request.
    """

    def __init__(self, transport: httpx.AsyncBaseTransport, *, user_agent: str, timeout: float,
                 connect_timeout: float) -> None:
        self.transport = transport
        self._headers = [("User-Agent", user_agent),
                         ("Accept", "text/html,application/xhtml+xml,image/*;q=0.9,*/*;q=0.8"),
                         ("Accept-Language", "en;q=0.9,*;q=0.5"), ("Accept-Encoding", "gzip, deflate")]
        self._extensions = {"timeout": httpx.Timeout(timeout, connect=connect_timeout).as_dict()}

    async def get(self, url: str) -> httpx.Response:
        """The response with its body unread (stream it, then aclose); httpx exceptions as httpx raises them."""
        request = httpx.Request("GET", url, headers=self._headers, extensions=self._extensions)
        response = await self.transport.handle_async_request(request)
        response.request = request
        return response

    async def aclose(self) -> None:
        await self.transport.aclose()
