"""One HTTP/1.1 client connection as an asyncio protocol, its answers parsed by llhttp (httptools).

One request at a time (a worker's). The parser's callbacks collect the status line and headers (at most
MAX_HEAD bytes of them, as httpcore allows), then the body's chunks as they come, reading paused while
more than HIGH_WATER bytes wait unread (the reader takes them all at once). Every wait has the read
timeout; failures are httpx's exceptions. Trailers are never headers and, with chunk framing, are bounded;
bytes after the end of an answer change nothing of it and spoil the connection (never reused: one URL's
answer can never be read as another's); a reset is not the end of a body without a length.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

import httptools
import httpx

# The most a status line and headers may take (httpcore's limit for h11).
MAX_HEAD = 100 * 1024
HIGH_WATER = 256 * 1024
_FRAMING = 8  # bytes of chunk framing allowed per body byte (a stream of 1-byte chunks), past MAX_HEAD
# Answers whose body ends at the end of the message whatever the headers say (RFC 9112 §6.3).
_BODILESS = frozenset({204, 304})


class Unparsed(httpx.RemoteProtocolError):
    """An answer llhttp refused to parse: client.py asks httpx again, whose reading (h11's) is the reference."""


class Stale(Exception):
    """A reused connection was closed before any byte of the answer: the request may be sent again."""


class HttpWire(asyncio.Protocol):
    """The connection and the state of the answer at hand."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        # Both Content-Length and Transfer-Encoding: chunked framing wins, as h11 (and browsers) read it. llhttp
        # refuses it by default against request smuggling, which is a server's concern, not a client's.
        # A bare LF for CRLF and spaces after a chunk size, as h11 reads them (it is the reference).
        self._parser.set_dangerous_leniencies(lenient_chunked_length=True, lenient_optional_cr_before_lf=True,
                                              lenient_spaces_after_chunk_size=True)
        self._waiter: asyncio.Future[None] | None = None
        self._lost = False
        self._spoiled = False  # bytes came that no request asked for: never reused
        self._idle_since = 0.0
        self._reset()

    def _reset(self) -> None:
        self._headers: list[tuple[bytes, bytes]] = []
        self._chunks: deque[bytes] = deque()
        self._buffered = self._head_bytes = self._tail_bytes = self._body_bytes = 0
        self._paused = self._framed = self._informational = False
        self._in_flight = self.head_done = self.complete = False
        self._keep_alive = True
        self._error: Exception | None = None
        self.status = 0

    @classmethod
    async def connect(cls, address: str, port: int, timeout: float) -> HttpWire:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                _, protocol = await loop.create_connection(cls, address, port)
        except TimeoutError as exc:
            raise httpx.ConnectTimeout("connection timed out") from exc
        except OSError as exc:
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
        return protocol

    # The exchange, as the worker sees it.

    def reusable(self, expiry: float) -> bool:
        return not self._lost and not self._spoiled and time.monotonic() - self._idle_since < expiry

    async def send(self, request: bytes, timeout: float, *, reused: bool) -> None:
        """Write the request and wait for the answer's status line and headers."""
        self._reset()
        self._in_flight = True
        assert self._transport is not None
        if self._lost:
            raise Stale if reused else httpx.WriteError("the connection was closed")
        self._transport.write(request)
        while not self.head_done:
            if self._lost and reused and self._head_bytes == 0:
                raise Stale
            if self._error is not None:
                raise self._error
            if self._lost:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            await self.wait(timeout)

    def header_pairs(self) -> list[tuple[str, str]]:
        """The headers as they came, decoded as httpx decodes them (ASCII, else UTF-8, else Latin-1)."""
        raw = self._headers
        try:
            return [(n.decode("ascii"), v.decode("ascii")) for n, v in raw]
        except UnicodeDecodeError:
            pass
        try:
            return [(n.decode("utf-8"), v.decode("utf-8")) for n, v in raw]
        except UnicodeDecodeError:
            return [(n.decode("latin-1"), v.decode("latin-1")) for n, v in raw]

    def take(self) -> bytes:
        """The body that arrived since the last take, in one piece (b"" when none is waiting); raises when the
        answer broke."""
        if self._chunks:
            chunk = self._chunks.popleft() if len(self._chunks) == 1 else b"".join(self._chunks)
            self._chunks.clear()
            self._buffered = 0
            if self._paused and self._transport is not None:
                self._paused = False
                self._transport.resume_reading()
            return chunk
        if self.complete:
            return b""
        if self._error is not None:
            raise self._error
        if self._lost:
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")
        return b""

    async def wait(self, timeout: float) -> None:
        """Until the parser or the connection has news, at most `timeout` seconds."""
        waiter = self._waiter = self._loop.create_future()
        timer = self._loop.call_later(timeout, _expire, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self._waiter = None

    def finish(self) -> bool:
        """The answer is done with: whether the connection can carry the next request."""
        self._in_flight = False
        if not (self.complete and self._keep_alive and self._error is None and not self._lost):
            return False
        self._chunks.clear()
        if self._paused and self._transport is not None:
            self._paused = False
            self._transport.resume_reading()
        self._idle_since = time.monotonic()
        return True

    def close(self) -> None:
        self._lost = True
        if self._transport is not None:
            self._transport.abort()

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        if not self._in_flight or self.complete:  # bytes nobody asked for: this connection is not reused
            self._spoiled = True
            return
        if not self.head_done:
            self._head_bytes += len(data)
        else:  # framing and trailers beside the body are bounded too (trailers wake no reader)
            self._tail_bytes += len(data)
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(httpx.RemoteProtocolError("the server switched protocols"))
        except httptools.HttpParserError as exc:
            if not self.complete:  # after the answer's end: only the connection is spoiled
                self._fail(Unparsed(f"malformed HTTP response: {exc}"))
            self._keep_alive = False
        if not self.head_done and self._head_bytes > MAX_HEAD and self._error is None:
            self._fail(httpx.RemoteProtocolError(f"the response head is over {MAX_HEAD // 1024} KiB"))
        elif self._tail_bytes > MAX_HEAD + _FRAMING * self._body_bytes and self._error is None and not self.complete:
            self._fail(httpx.RemoteProtocolError(f"over {MAX_HEAD // 1024} KiB of chunk framing or trailers"))

    def eof_received(self) -> bool:
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True
        if self.head_done and not self.complete and not self._framed and self._error is None and exc is None:
            self.complete = True  # a body without a length ends where the connection does (closed, not reset)
            self._keep_alive = False
        elif exc is not None and self._error is None and self._in_flight and not self.complete:
            self._error = httpx.ReadError(str(exc) or type(exc).__name__)
            self._error.__cause__ = exc
        self._wake()

    # httptools callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        if self.head_done:  # a trailer (after a chunked body): not a header of the answer, never read
            return
        self._headers.append((name, value.rstrip(b" \t")))  # llhttp keeps trailing whitespace; h11 does not
        if name.lower() in (b"content-length", b"transfer-encoding"):
            self._framed = True

    def on_headers_complete(self) -> None:
        if self.complete:  # a second answer in the same read: nobody asked for it
            self._desynchronised()
            return
        status = self._parser.get_status_code()
        if 100 <= status < 200:  # an interim answer (100 Continue, 103 Early Hints): the real one follows
            self._informational = True
            self._headers, self._framed = [], False
            return
        self.status, self.head_done = status, True
        if status in _BODILESS:
            self._framed = True
        self._wake()

    def on_body(self, body: bytes) -> None:
        if self.complete:
            self._desynchronised()
            return
        self._chunks.append(body)
        self._buffered += len(body)
        self._body_bytes += len(body)
        if self._buffered > HIGH_WATER and not self._paused and self._transport is not None:
            self._paused = True
            self._transport.pause_reading()
        self._wake()

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
            return
        if self.complete:
            self._desynchronised()
            return
        self.complete = True
        self._keep_alive = self._keep_alive and self._parser.should_keep_alive()
        self._wake()

    def _desynchronised(self) -> None:
        """Bytes after the end of the answer, parsed as more of one: they change nothing of the answer read,
        and the connection, out of step with its requests, is never reused."""
        self._spoiled = True
        self._keep_alive = False

    def _fail(self, error: Exception) -> None:
        self._error = error
        self._keep_alive = False
        if self._transport is not None:
            self._transport.abort()
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(httpx.ReadTimeout("the server stopped answering"))
