"""Helpers to run the link stage on a few URLs, with an injected transport and a sleep that does not wait."""

from __future__ import annotations

import random
import socket
import struct
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from validator import config
from validator.check.guard import Resolver
from validator.check.runner import HttpChecker
from validator.models import ImageSpec, LinkEntry, LinkKind, LinkResult, Occurrence, RunResult

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@dataclass
class Sleeps:
    """Records the delays the checker asked for instead of waiting them out."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def entry(url: str, kind: LinkKind = LinkKind.PAGE, *, image: tuple[int, int] | None = None,
          canonical: Iterable[str] = ()) -> LinkEntry:
    spec = ImageSpec(*image) if image else None
    return LinkEntry(url, kind, [Occurrence("seeds/a.txt", "/webUrl", 7)], set(canonical), spec)


def run_links(entries: list[LinkEntry], *, transport: httpx.AsyncBaseTransport | None = None,
              sleeps: Sleeps | None = None, cache: Path | None = None, now: datetime = NOW,
              resolver: Resolver | None = None, **link_options: Any) -> RunResult:
    settings = config.replace(
        config.Settings(), links={"retries": 2, "timeout": 10.0, **link_options},
        cache={"enabled": cache is not None, **({"path": cache} if cache else {})})
    result = RunResult(tool_version="test", started_at="2026-11-26T12:00:00Z")
    for item in entries:
        result.links[item.url] = item
    HttpChecker(transport=transport, resolver=resolver, sleep=sleeps or Sleeps(), rng=random.Random(7)).check(
        result, settings, clock=lambda: now)
    return result


def verdict(result: RunResult, url: str) -> LinkResult:
    outcome = result.links[url].result
    assert outcome is not None
    return outcome


def png(width: int, height: int) -> bytes:
    """A real, minimal PNG of the given size (one grey row repeated)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg_header(width: int, height: int, exif: int = 0) -> bytes:
    """The start of a baseline JPEG: SOI, an APP1 segment of `exif` bytes, then SOF0 with the size."""
    app1 = b"\xff\xe1" + struct.pack(">H", exif + 2) + b"\x00" * exif if exif else b""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00" * 3
    return b"\xff\xd8" + app1 + sof + b"\xff\xda" + b"\x00" * 64


def amp_page(canonical: str | None = None, *, amp: bool = True) -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    marker = " ⚡" if amp else ""
    return (f'<!doctype html><html{marker} lang="en"><head><meta charset="utf-8">{link}<title>Story</title>'
            '<script async src="https://cdn.ampproject.org/v0.js"></script></head><body><h1>Story</h1></body></html>')


def html(title: str = "An article", heading: str = "An article") -> str:
    return f"<!doctype html><html><head><title>{title}</title></head><body><h1>{heading}</h1></body></html>"


# A globally routable address next to a loopback one: a name resolving to both is a public name (its lookup
# proves public name resolution works), while the checker connects to the loopback server listed first.
PUBLIC_TOO = "192.0.0.9"


def resolver(table: Mapping[str, str | int | tuple[str, ...]]) -> Resolver:
    """A name lookup from a table: name → address(es), or name → the getaddrinfo error it fails with
    (socket.EAI_NONAME: no such name; socket.EAI_AGAIN: could not ask). A name not in the table cannot be asked."""
    async def resolve(host: str) -> list[str]:
        answer = table.get(host, socket.EAI_AGAIN)
        if isinstance(answer, int):
            raise socket.gaierror(answer, "Name or service not known" if answer == socket.EAI_NONAME
                                  else "Temporary failure in name resolution")
        return [answer] if isinstance(answer, str) else list(answer)

    return resolve
