"""One attempt at a URL: GET, redirects walked hop by hop, body read up to a bound. I/O only, no verdicts.

What it returns is plain data (attempt.py): nothing of the HTTP engine leaves this module and client.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ssl
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from urllib.parse import urljoin, urlsplit

import httpx

from .attempt import CONNECTION_FAILURES, NETWORK_FAILURES, Failure, Fetched, Hop, header_map
from .client import Answer, Getter
from .decode import BodyDecoder, DecodeError
from .guard import BlockedAddress, DnsFailure
from .probe import ImageHeaderScan, sniff_image

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
# Enough for an HTML head, an image header, or a 404 page's title; images' sizes mostly sit in the first KBs.
PAGE_BYTES = 256 * 1024
ERROR_PAGE_BYTES = 16 * 1024
# Besides twice the limit, what each decoding layer may take in (headers, a stored block, slack).
DECODE_SLACK = 1024 * 1024
_NO_ROUTE_ERRNOS = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN})
__all__ = ["CONNECTION_FAILURES", "NETWORK_FAILURES", "Failure", "Fetched", "Gate", "Hop", "fetch"]
# Entered around each hop's request, given the hop's URL (check/politeness.py: HopGate).
Gate = Callable[[str], AbstractAsyncContextManager[object]]


def _ungated(url: str) -> AbstractAsyncContextManager[object]:
    return contextlib.nullcontext()


async def fetch(client: Getter, url: str, *, max_redirects: int, max_body: int, image: bool = False,
                page: bool = False, gate: Gate | None = None) -> Fetched:
    """GET `url`, following redirects hop by hop, and read the final body up to a bound.

    `image`: read as much as an image needs (up to max_body, until its header has told its size);
    `page` as well: a body that turns out not to be an image is read as a page (up to PAGE_BYTES).
    `gate(hop_url)` is entered around each hop's request and left before the next one: the caller's
    politeness for the host each hop goes to, one hop's slot at a time.
    """
    outcome = Fetched(url)
    current = url
    seen = {url}
    limit = max_body if image else min(max_body, PAGE_BYTES)
    hop_gate = gate or _ungated
    while True:
        async with hop_gate(current):  # the hop's host: its slot and turn, for this hop only
            try:
                response = await client.get(current)
            except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
                outcome.failure = Failure.BAD_REDIRECT if outcome.hops else Failure.UNSUPPORTED_SCHEME
                outcome.detail = str(exc)
                return outcome
            except httpx.HTTPError as exc:
                outcome.failure, outcome.detail = _failure_of(exc)
                outcome.final_url = current if outcome.hops else None
                return outcome
            outcome.connected = True
            try:
                headers = header_map(response.headers)
                location = headers.get("location")
                if response.status in REDIRECT_CODES and location:
                    outcome.hops.append(Hop(current, response.status))
                    target = _redirect_target(current, location)
                    if target is None:
                        outcome.failure = Failure.BAD_REDIRECT
                        outcome.detail = f"redirect to a malformed URL {_shown(location)}"
                        return outcome
                    if target in seen:
                        outcome.failure, outcome.detail = Failure.REDIRECT_LOOP, f"redirect loop back to {target}"
                        outcome.final_url = target
                        return outcome
                    if len(outcome.hops) > max_redirects:
                        outcome.failure = Failure.TOO_MANY_REDIRECTS
                        outcome.detail = f"more than {max_redirects} redirects"
                        outcome.final_url = target
                        return outcome
                    if not target.lower().startswith(("http://", "https://")):
                        outcome.failure, outcome.detail = Failure.BAD_REDIRECT, f"redirect to non-HTTP URL {target}"
                        outcome.final_url = target
                        return outcome
                    seen.add(target)
                    current = target
                    continue
                outcome.status, outcome.final_url, outcome.headers = response.status, current, headers
                outcome.body, outcome.body_truncated = await _read_bounded(
                    response, limit, coding=outcome.headers.get("content-encoding"), image=image, page=page)
                return outcome
            except httpx.HTTPError as exc:
                outcome.failure, outcome.detail = _failure_of(exc)
                outcome.status = response.status
                outcome.final_url = current
                return outcome
            finally:
                await response.aclose()


async def _read_bounded(response: Answer, limit: int, *, coding: str | None,
                        image: bool, page: bool = False) -> tuple[bytes, bool]:
    """At most `limit` bytes after decompression, so a gzip bomb costs no more than a plain body.

    The raw bytes are decoded here (check/decode.py), a bounded slice per step with the event loop
    given its turn between steps, so the limit holds for every coding and stack of codings and a
    decoding body cannot hold up other URLs' deadlines. An image is read only until its header has
    told its size; with `page`, a body that is no image is read on as a page (up to PAGE_BYTES).
    `coding` is the Content-Encoding as the attempt records it (its header map).
    """
    if response.status >= 400 and response.status not in (404, 410):
        limit = min(limit, ERROR_PAGE_BYTES)  # read only for signs of a bot wall
    try:
        decoder = BodyDecoder(coding, budget=2 * limit + DECODE_SLACK)
    except DecodeError as exc:
        raise httpx.DecodingError(str(exc)) from exc
    body = bytearray()
    scan = ImageHeaderScan() if image else None
    async for raw in response.raw():
        decoder.feed(raw)
        while True:
            try:
                piece = decoder.read()
            except DecodeError as exc:
                raise httpx.DecodingError(str(exc)) from exc
            if piece is None:
                break
            body += piece
            if len(body) >= limit:
                return bytes(memoryview(body)[:limit]), True  # one copy, not two
            if scan is not None and piece and not scan.wants_more(body):
                if not page or sniff_image(bytes(body)) is not None:
                    return bytes(body), False
                scan, limit = None, min(limit, PAGE_BYTES)  # not an image: read on as the page it is
                if len(body) >= limit:
                    return bytes(memoryview(body)[:limit]), True
            if decoder.layered:
                await asyncio.sleep(0)  # one decoded slice at a time, others' deadlines hold
        if decoder.finished:
            break
    return bytes(body), decoder.exhausted


def _redirect_target(current: str, location: str) -> str | None:
    """The absolute URL a Location header points to, or None when it is no URL at all (`http://[::1/x`)."""
    try:
        target = urljoin(current, location.strip())
        urlsplit(target).port  # noqa: B018 -- raises for a port that is not a number or out of range
    except ValueError:
        return None
    return target


def _shown(text: str, limit: int = 200) -> str:
    """A server's text in a reason: quoted, control characters escaped, shortened."""
    return repr(text[:limit]) + ("…" if len(text) > limit else "")


def _failure_of(exc: httpx.HTTPError) -> tuple[Failure, str]:
    causes = list(_causes(exc))
    for cause in causes:
        if isinstance(cause, BlockedAddress):
            return Failure.BLOCKED_ADDRESS, str(cause)
        if isinstance(cause, DnsFailure):
            return (Failure.DNS_NXDOMAIN if cause.permanent else Failure.DNS_ERROR), str(cause)
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectTimeout):
        return Failure.CONNECT_TIMEOUT, "connection timed out"
    if isinstance(exc, httpx.TimeoutException):
        return Failure.READ_TIMEOUT, "the server stopped answering (read timeout)"
    if any(isinstance(cause, ssl.SSLError) for cause in causes):
        return Failure.TLS, f"TLS failure: {text}"
    if isinstance(exc, httpx.ConnectError):
        if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
            return Failure.CONNECT_REFUSED, "connection refused"
        if any(isinstance(cause, OSError) and cause.errno in _NO_ROUTE_ERRNOS for cause in causes):
            return Failure.NO_ROUTE, f"no route to the host: {text}"
        return Failure.CONNECT_ERROR, f"cannot connect: {text}"
    if isinstance(exc, httpx.DecodingError):
        return Failure.DECODING, f"cannot decode the response: {text}"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return Failure.RESET, f"connection broken: {text}"
    if isinstance(exc, httpx.ProtocolError):
        return Failure.PROTOCOL, f"protocol error: {text}"
    return Failure.CONNECT_ERROR, text


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception's chain of causes, exception groups opened (anyio groups failed connection attempts)."""
    pending, seen = [exc], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        pending.extend(c for c in (current.__cause__, current.__context__) if c is not None)
