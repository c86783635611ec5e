"""A local link farm: minimal HTTP/1.1 keep-alive servers on many loopback hosts, with a set latency.

    python -m bench.farm --hosts 20 --port 8089 --latency 0.05 --lifetime 900

Serves 200 for /article/<n> and 404 for anything else. Listens only on 127.0.0.2 ... 127.0.0.<hosts+1>
and exits by itself after --lifetime seconds, so no benchmark traffic can outlive its run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib


def host_addresses(count: int) -> list[str]:
    if not 1 <= count <= 250:
        raise ValueError("1 to 250 hosts (127.0.0.2 to 127.0.0.251)")
    return [f"127.0.0.{i + 2}" for i in range(count)]


async def _serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, latency: float) -> None:
    with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1]
            if latency:
                await asyncio.sleep(latency)
            if path.startswith(b"/article/"):
                body = b"<html><head><title>Story " + path[9:] + b"</title></head><body><h1>Story</h1></body></html>"
                status = b"200 OK"
            else:
                body = b"<html><head><title>Not found</title></head></html>"
                status = b"404 Not Found"
            writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: text/html\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\n\r\n" + body)
            await writer.drain()
    writer.close()


async def serve(hosts: int, port: int, latency: float, lifetime: float) -> None:
    servers = [await asyncio.start_server(lambda r, w: _serve_connection(r, w, latency), address, port,
                                          backlog=1024)
               for address in host_addresses(hosts)]
    print(f"farm: {hosts} hosts on port {port}, latency {latency * 1000:.0f} ms", flush=True)
    await asyncio.sleep(lifetime)
    for server in servers:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--lifetime", type=float, default=900.0)
    args = parser.parse_args()
    asyncio.run(serve(args.hosts, args.port, args.latency, args.lifetime))


if __name__ == "__main__":
    main()
