"""The httpx set-up: each worker sends through its own tiny connection pool, which connects through the guard.

httpcore's pool re-scans every connection (and asks each idle socket whether it is readable) for every
request: a shared pool of 80 costs about 4 ms of CPU per URL, a pool of 8 per host still about 0.3 ms
(docs/benchmarks.md). A worker checks its host's URLs one after the other, so a pool of its own needs
room only for the origin at hand and a redirect target: the scan is one or two connections long.
"""

from __future__ import annotations

import ssl

import httpcore
import httpx

from .guard import GuardedBackend

# The origin being checked plus one redirect target (http → https, www → apex) kept alive.
WORKER_CONNECTIONS = 2


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport (its exception mapping included) over a pool that connects through the guard."""

    def __init__(self, backend: GuardedBackend, ssl_context: ssl.SSLContext, *, http2: bool = True) -> None:
        super().__init__(verify=ssl_context, trust_env=False, http2=http2)  # one shared, loaded context
        # httpx offers no parameter for the network backend; its pool is rebuilt here with one.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context, max_connections=WORKER_CONNECTIONS, max_keepalive_connections=WORKER_CONNECTIONS,
            keepalive_expiry=30.0, http1=True, http2=http2, network_backend=backend)


class Getter:
    """Sends one GET straight to a transport: no redirects followed, no cookie jar, no auth.

    httpx.AsyncClient would add only what the checker must not have (cookies kept between
    requests, its own redirect handling) and a quarter of the CPU per request.
    """

    def __init__(self, transport: httpx.AsyncBaseTransport, *, user_agent: str, timeout: float,
                 connect_timeout: float, owns_transport: bool) -> None:
        self.transport = transport
        self._owns_transport = owns_transport
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
        if self._owns_transport:
            await self.transport.aclose()


class Connections:
    """Hands each worker a Getter: over its own guarded pool, or over the one transport a test injected."""

    def __init__(self, backend: GuardedBackend, *, user_agent: str, timeout: float, connect_timeout: float,
                 shared: httpx.AsyncBaseTransport | None = None) -> None:
        self._backend = backend
        self._ssl_context = httpx.create_ssl_context(trust_env=False)
        self._shared = shared
        self._user_agent, self._timeout, self._connect_timeout = user_agent, timeout, connect_timeout

    def getter(self) -> Getter:
        owned = self._shared is None
        transport = _GuardedTransport(self._backend, self._ssl_context) if self._shared is None else self._shared
        return Getter(transport, user_agent=self._user_agent, timeout=self._timeout,
                      connect_timeout=self._connect_timeout, owns_transport=owned)
