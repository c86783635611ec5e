"""A scripted HTTP/1.1 server on 127.0.0.1 for the wire's tests: each path answers as its script says, well or
badly; the server counts connections and keeps each request's head."""

from __future__ import annotations

import asyncio
import gzip
import socket
import struct
from collections.abc import Awaitable, Callable

from validator.check.attempt import Fetched
from validator.check.client import Connections
from validator.check.fetch import fetch
from validator.check.guard import AddressPolicy, GuardedBackend

Writer = asyncio.StreamWriter
# A scripted answer: given the request head and the writer, writes whatever it likes (or nothing).
Script = Callable[[bytes, Writer], Awaitable[None]]


def plain(status: str, body: bytes, *extra: str) -> bytes:
    head = "".join(f"{h}\r\n" for h in extra)
    return f"HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n{head}\r\n".encode() + body


async def _ok(head: bytes, writer: Writer) -> None:
    writer.write(plain("200 OK", b"<title>ok</title>"))


async def _chunked(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")


async def _both_framings(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")


async def _tiny_chunks(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"1\r\nx\r\n" * 50_000 + b"0\r\n\r\n")


async def _until_close(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<title>to the end</title>")
    writer.close()


async def _close(head: bytes, writer: Writer) -> None:
    writer.write(plain("200 OK", b"bye", "Connection: close"))
    writer.close()


async def _malformed(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 2x0 Nope\r\n\r\n")


async def _huge_head(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\n" + b"X-Filler: " + b"a" * 200_000 + b"\r\n\r\n")


async def _silent(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this")  # then nothing, never


async def _endless(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n")
    for _ in range(10_000):  # 640 MB if read to the end
        writer.write(b"10000\r\n" + b"x" * 0x10000 + b"\r\n")
        await writer.drain()


async def _cut(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this")
    writer.close()


async def _redirect(head: bytes, writer: Writer) -> None:
    writer.write(plain("301 Moved Permanently", b"", "Location: /ok"))


async def _spaced(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type:  text/html; charset=utf-8 \t \r\nX-Empty:\r\n"
                 b"Content-Length: 2\r\n\r\nok")


async def _interim(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n" + plain("200 OK", b"after hints"))


async def _gzip(head: bytes, writer: Writer) -> None:
    body = gzip.compress(b"<title>zipped</title>" + b" " * 100_000)
    writer.write(plain("200 OK", body, "Content-Encoding: gzip"))


async def _once_then_close(head: bytes, writer: Writer) -> None:
    writer.write(plain("200 OK", b"first"))  # keep-alive announced, then the server drops it while idle
    await writer.drain()
    writer.close()


async def _endless_trailers(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n")
    for _ in range(2_000):  # 128 MB of trailers if read to the end
        writer.write(b"X-T: v\r\n" * 8_000)
        await writer.drain()


async def _trailer_location(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 301 Moved\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nLocation: /ok\r\n\r\n")


async def _two_answers(head: bytes, writer: Writer) -> None:
    writer.write(plain("200 OK", b"<title>mine</title>") + plain("404 Not Found", b"nobody asked"))


async def _answer_then_interim(head: bytes, writer: Writer) -> None:
    writer.write(plain("301 Moved Permanently", b"", "Location: /ok") + b"HTTP/1.1 100 Continue\r\n\r\n")


async def _bare_lf(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: 2\n\nok")


async def _folded(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nX-Long: a\r\n b\r\nContent-Length: 2\r\n\r\nok")


async def _reset_without_length(head: bytes, writer: Writer) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<title>Article: half")
    await writer.drain()
    sock = writer.get_extra_info("socket")  # a reset (RST), not a close: the body is not known to be whole
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


SCRIPTS: dict[str, Script] = {
    "/ok": _ok, "/chunked": _chunked, "/until-close": _until_close, "/close": _close, "/malformed": _malformed,
    "/huge-head": _huge_head, "/silent": _silent, "/endless": _endless, "/cut": _cut, "/redirect": _redirect,
    "/interim": _interim, "/gzip": _gzip, "/once": _once_then_close, "/both": _both_framings,
    "/tiny-chunks": _tiny_chunks, "/spaced": _spaced, "/endless-trailers": _endless_trailers,
    "/trailer-location": _trailer_location, "/two-answers": _two_answers, "/answer-then-interim": _answer_then_interim,
    "/bare-lf": _bare_lf, "/folded": _folded, "/reset": _reset_without_length,
    # Paths with '|' (URLs the wire leaves to httpx, which sends them as they are): the scripts on httpx's path.
    "/two-answers|": _two_answers, "/ok|": _ok,
}


class Server:
    """Answers each request on a connection by its path's script; counts connections and requests."""

    def __init__(self) -> None:
        self.connections = 0
        self.requests: list[bytes] = []
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> Server:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _serve(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        self.connections += 1
        try:
            while not writer.is_closing():
                head = await reader.readuntil(b"\r\n\r\n")
                self.requests.append(head)
                await SCRIPTS[head.split(b" ")[1].decode()](head, writer)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()


def connections(policy: AddressPolicy | None = None, timeout: float = 5.0) -> Connections:
    return Connections(GuardedBackend(policy or AddressPolicy(allow_private=True)), user_agent="wire-test",
                       timeout=timeout, connect_timeout=timeout)


def get_all(paths: list[str], *, policy: AddressPolicy | None = None, timeout: float = 5.0,
            max_body: int = 1 << 20) -> tuple[list[Fetched], Server]:
    """Fetches the paths one after the other through one worker's getter, as a worker does."""
    async def run() -> tuple[list[Fetched], Server]:
        async with Server() as server:
            getter = connections(policy, timeout).getter()
            try:
                seen = [await fetch(getter, server.url(p), max_redirects=3, max_body=max_body) for p in paths]
            finally:
                await getter.aclose()
            return seen, server
    return asyncio.run(run())
