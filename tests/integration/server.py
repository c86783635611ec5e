"""A real HTTP server on a loopback address, started by the tests, with the misbehaviours links meet."""

from __future__ import annotations

import contextlib
import gzip
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.linkcheck import amp_page, html, png

Handler = Callable[[BaseHTTPRequestHandler], None]
_GZIP_BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)  # 64 MiB that travel as ~64 KiB


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # resets and cut-off reads are the point of these routes, not errors


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
         ) -> None:
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    if "Content-Length" not in (headers or {}):
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


def _not_found(handler: BaseHTTPRequestHandler) -> None:
    send(handler, 404)


class Farm:
    """Paths → behaviours. Counts requests per path so tests can see retries."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.hits: dict[str, int] = {}
        self.in_flight = self.most_in_flight = 0  # requests being answered at once, counted by the server
        self.lock = threading.Lock()  # handlers run in threads of their own
        self.stop = threading.Event()
        self.routes: dict[str, Handler] = {
            "/ok": lambda h: send(h, 200, html().encode(), {"Content-Type": "text/html"}),
            "/gone": lambda h: send(h, 410),
            "/missing": lambda h: send(h, 404),
            "/slow": self._slow,
            "/drip": self._drip,
            "/hang": self._hang,
            "/reset": self._reset,
            "/loop-a": lambda h: send(h, 302, headers={"Location": "/loop-b"}),
            "/loop-b": lambda h: send(h, 302, headers={"Location": "/loop-a"}),
            "/huge": self._huge,
            "/bomb": lambda h: send(h, 200, _GZIP_BOMB, {"Content-Type": "text/html", "Content-Encoding": "gzip"}),
            "/rate-limited": self._rate_limited,
            "/no-head": self._no_head,
            "/image.png": lambda h: send(h, 200, png(480, 320), {"Content-Type": "image/png"}),
            "/amp": lambda h: send(h, 200, amp_page(f"{self.base}/ok").encode(), {"Content-Type": "text/html"}),
            "/not-amp": lambda h: send(h, 200, html().encode(), {"Content-Type": "text/html"}),
        }
        self.fallback: Handler = _not_found  # any other path (the soft-404 probe asks for one that cannot exist)
        self._server = _Server((host, 0), self._handler_class())
        self.port = self._server.server_address[1]
        self.base = f"http://{host}:{self.port}"

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        farm = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with farm.lock:
                    farm.hits[path] = farm.hits.get(path, 0) + 1
                    farm.in_flight += 1
                    farm.most_in_flight = max(farm.most_in_flight, farm.in_flight)
                self.answering = True
                route = farm.routes.get(path, farm.fallback)
                try:
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        route(self)  # a broken pipe means the checker stopped reading, as it should
                finally:
                    self.answered()

            def send_response(self, code: int, message: str | None = None) -> None:
                # A request is in flight from its arrival until its answer starts: once the answer is on its
                # way the client may hand its slot on before this thread is scheduled again.
                self.answered()
                super().send_response(code, message)

            def answered(self) -> None:
                if getattr(self, "answering", False):
                    self.answering = False
                    with farm.lock:
                        farm.in_flight -= 1

            do_HEAD = do_GET

            def log_message(self, format: str, *args: object) -> None:
                pass

        return RequestHandler

    def url(self, path: str) -> str:
        return self.base + path

    def _slow(self, h: BaseHTTPRequestHandler) -> None:
        self.stop.wait(0.3)
        send(h, 200, html().encode(), {"Content-Type": "text/html"})

    def _drip(self, h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        while not self.stop.is_set():  # a byte every 0.2 s: each read succeeds, the whole never arrives
            h.wfile.write(b" ")
            h.wfile.flush()
            self.stop.wait(0.2)

    def _hang(self, h: BaseHTTPRequestHandler) -> None:
        self.stop.wait(30)

    def _reset(self, h: BaseHTTPRequestHandler) -> None:
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.close_connection = True
        for stream in (h.rfile, h.wfile, h.connection):  # the socket closes only when its files do
            stream.close()  # with linger 0: an RST instead of an answer

    def _huge(self, h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(1024 * 1024 * 1024))
        h.end_headers()
        h.wfile.write(b"<html><head><title>Big</title></head><body>")
        chunk = b"x" * 65536
        for _ in range(16384):
            if self.stop.is_set():
                return
            h.wfile.write(chunk)

    def _rate_limited(self, h: BaseHTTPRequestHandler) -> None:
        if self.hits["/rate-limited"] == 1:
            send(h, 429, headers={"Retry-After": "1"})
        else:
            send(h, 200, html().encode(), {"Content-Type": "text/html"})

    def _no_head(self, h: BaseHTTPRequestHandler) -> None:
        if h.command == "HEAD":
            send(h, 405)
        else:
            send(h, 200, html().encode(), {"Content-Type": "text/html"})

    def serve(self) -> threading.Thread:
        thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        self.stop.set()
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def running_farm(host: str = "127.0.0.1") -> Iterator[Farm]:
    farm = Farm(host)
    farm.serve()
    try:
        yield farm
    finally:
        farm.close()
        time.sleep(0)  # let daemon handler threads see the stop event
