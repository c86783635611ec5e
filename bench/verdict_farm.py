"""A loopback farm whose hosts answer as real sites do, for measuring verdicts (bench/verdicts.py).

    python -m bench.verdict_farm --hosts 8 --port 8090 --latency 0.02 --lifetime 600

Listens only on 127.0.0.2 ... 127.0.0.<hosts+1> and exits by itself after --lifetime seconds. Each host
counts the requests it is answering at once (from a request's arrival until its answer starts) and
keeps the most; GET /__farm/stats gives them as JSON ({address: most}), /__farm/reset starts again.
The last host is a single-page app: every path, its root included, gets one shell page.

Paths on the other hosts (n a number, "other" the next host):
    /                    the front page             /article/<id>     a story of that id (any id)
    /gone/n  /removed/n  404, 410                   /news/live-n      a story; any other /news/… the
    /hop/n               302 to other/article/n                       section page (a catch-all)
    /hop-gone/n          302 to other/gone/n        /moved/n          301 to /article/n
    /front/n             301 to /                   /notfound/n       200 "Page not found"
    /flaky/n             503 once, then a story     /blocked/n        403
    /img/n.png           PNG 480x320                /img-wrong/n.png  PNG 640x360
    /amp/n               an AMP page (canonical /article/n)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import struct
import time
import zlib

from bench.farm import host_addresses

_TEXT = ("The council met on Tuesday to discuss the budget for the coming year; residents spoke about roads, "
         "schools, the library and the new bus routes, and the mayor promised an answer by spring. ")


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def page(title: str, text: str, *, amp_canonical: str | None = None) -> bytes:
    marker = " amp" if amp_canonical is not None else ""
    canonical = f'<link rel="canonical" href="{amp_canonical}">' if amp_canonical else ""
    return (f'<!doctype html><html{marker} lang="en"><head><meta charset="utf-8"><title>{title}</title>{canonical}'
            f"</head><body><nav>Home · News · Sport</nav><main><h1>{title}</h1><p>{text}</p></main></body></html>"
            ).encode()


_PNG_OK, _PNG_WRONG = png(480, 320), png(640, 360)
_HTML = "text/html; charset=utf-8"
Answer = tuple[int, dict[str, str], bytes]


class Farm:
    def __init__(self, addresses: list[str], port: int, latency: float) -> None:
        self.addresses, self.port, self.latency = addresses, port, latency
        self.in_flight = dict.fromkeys(addresses, 0)
        self.most = dict.fromkeys(addresses, 0)
        self.hits: dict[tuple[str, str], int] = {}

    def other(self, address: str) -> str:
        regular = self.addresses[:-1]
        return regular[(regular.index(address) + 1) % len(regular)]

    def answer(self, address: str, path: str) -> Answer:
        if address == self.addresses[-1]:  # the single-page app
            return 200, {"Content-Type": _HTML}, page("Example App", "Loading the application. " + _TEXT * 2)
        base = f"http://{address}:{self.port}"
        head, _, rest = path.strip("/").partition("/")
        other = f"http://{self.other(address)}:{self.port}"
        redirects = {"hop": (302, f"{other}/article/{rest}"), "hop-gone": (302, f"{other}/gone/{rest}"),
                     "moved": (301, f"{base}/article/{rest}"), "front": (301, f"{base}/")}
        if head in redirects:
            status, location = redirects[head]
            return status, {"Location": location}, b""
        if path == "/":
            return 200, {"Content-Type": _HTML}, page(f"The {address} Daily", "Welcome to the front page. " + _TEXT)
        if head == "gone":
            return 404, {"Content-Type": _HTML}, page("Not found", "Nothing here.")
        if head == "removed":
            return 410, {"Content-Type": _HTML}, page("Gone", "Removed.")
        if head == "blocked":
            return 403, {"Content-Type": _HTML}, page("Forbidden", "No robots.")
        if head == "img":
            return 200, {"Content-Type": "image/png"}, _PNG_OK
        if head == "img-wrong":
            return 200, {"Content-Type": "image/png"}, _PNG_WRONG
        if head == "notfound":
            return 200, {"Content-Type": _HTML}, page("Page not found", "Sorry, we could not find that page.")
        if head == "flaky" and self.hits[(address, path)] == 1:
            return 503, {"Content-Type": _HTML}, page("Busy", "Try again.")
        if head == "amp":
            return 200, {"Content-Type": _HTML}, page(f"Story {rest}", f"Story {rest}. " + _TEXT,
                                                      amp_canonical=f"{base}/article/{rest}")
        if head == "news" and not rest.startswith("live-"):  # the catch-all: the section page, its clock ticking
            return 200, {"Content-Type": _HTML}, page("News", f"Latest news at {time.time_ns()}. " + _TEXT * 2)
        if head in ("article", "news", "flaky"):
            return 200, {"Content-Type": _HTML}, page(f"Story {rest}", f"Story {rest}: what happened. " + _TEXT)
        return 404, {"Content-Type": _HTML}, page("Not found", "Nothing here.")

    def stats(self, path: str) -> bytes:
        """The most in flight per host so far; /__farm/reset also starts the count (and the hits) again."""
        most = json.dumps(self.most).encode()
        if path == "/__farm/reset":
            self.most = dict.fromkeys(self.addresses, 0)
            self.hits.clear()
        return most

    async def serve_connection(self, address: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                               ) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode("latin-1").split("?", 1)[0]
                if path.startswith("/__farm/"):
                    writer.write(_response(200, {"Content-Type": "application/json"}, self.stats(path)))
                    await writer.drain()
                    continue
                self.in_flight[address] += 1
                self.most[address] = max(self.most[address], self.in_flight[address])
                self.hits[(address, path)] = self.hits.get((address, path), 0) + 1
                try:
                    if self.latency:
                        await asyncio.sleep(self.latency)
                    status, headers, body = self.answer(address, path)
                finally:
                    self.in_flight[address] -= 1  # the answer starts: the client may hand its slot on
                writer.write(_response(status, headers, body))
                await writer.drain()
        writer.close()


def _response(status: int, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"HTTP/1.1 {status} X", *(f"{k}: {v}" for k, v in headers.items()), f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def serve(hosts: int, port: int, latency: float, lifetime: float) -> None:
    farm = Farm(host_addresses(hosts), port, latency)
    servers = []
    for address in farm.addresses:
        def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter, at: str = address) -> asyncio.Future[None]:
            return asyncio.ensure_future(farm.serve_connection(at, r, w))
        servers.append(await asyncio.start_server(handler, address, port, backlog=1024))
    print(f"verdict farm: {hosts} hosts on port {port}, latency {latency * 1000:.0f} ms", flush=True)
    await asyncio.sleep(lifetime)
    for server in servers:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--lifetime", type=float, default=600.0)
    args = parser.parse_args()
    if args.hosts < 3:
        parser.error("--hosts: at least 3 (two regular hosts to redirect between, and the single-page app)")
    asyncio.run(serve(args.hosts, args.port, args.latency, args.lifetime))


if __name__ == "__main__":
    main()
