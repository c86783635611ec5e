"""Pure: a response body's Content-Encoding undone step by step, never more than asked for at a time.

httpx decodes a whole network chunk at once, so one 64 KiB chunk of a gzip bomb becomes 64 MiB before
any limit is looked at, and stacked codings (`gzip, gzip`) multiply that. Here each coding is one layer
that produces at most a slice per call (zlib's `max_length`, brotli's `output_buffer_limit`), the
consumer pulls only as much as it still wants, and every layer's input is capped, so even a body that
decodes to nothing (empty deflate blocks by the gigabyte) costs a bounded amount of work.
"""

from __future__ import annotations

import zlib
from typing import Any, Protocol

# Output of one decoding step: small enough that a step costs well under a millisecond of CPU.
SLICE = 64 * 1024
# More codings than curl accepts (it stops at 5) are an attack or a broken server, not content.
MAX_CODINGS = 5
_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_OR_ZLIB = 32 + zlib.MAX_WBITS  # zlib auto-detects the gzip or zlib header


class DecodeError(ValueError):
    """The body cannot be decoded: an unsupported coding, or data that is not what its coding says."""


def _brotli_module() -> Any:
    """brotli (or brotlicffi) when one is installed that can bound its output (1.2+), else None: older
    versions decode a whole meta-block (up to 16 MiB) per call, whatever the caller wants."""
    for name in ("brotli", "brotlicffi"):
        try:
            module = __import__(name)
        except ImportError:
            continue
        if hasattr(module.Decompressor(), "can_accept_more_data"):
            return module
    return None


_BROTLI = _brotli_module()


def accept_encoding() -> str:
    """What the checker asks servers for: only the codings it can decode with a bound."""
    return "gzip, deflate, br" if _BROTLI is not None else "gzip, deflate"


ACCEPT_ENCODING = accept_encoding()


class _Layer(Protocol):
    finished: bool

    @property
    def wants_input(self) -> bool: ...

    def feed(self, data: bytes) -> None: ...

    def pull(self, limit: int) -> bytes: ...


class _Zlib:
    """gzip (members one after another, as RFC 1952 allows) or deflate (zlib-wrapped, or raw as some
    servers send it). Data after the end of the stream is ignored, as browsers and curl do."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._machine: Any = None  # zlib's decompressobj type is not public
        self._pending = b""
        self._saturated = False  # the last pull filled its limit: more output may come without input
        self._members = 0
        self.finished = False

    @property
    def wants_input(self) -> bool:
        if self.finished or self._saturated:
            return False
        return len(self._pending) < 2 if self._machine is None else not self._pending

    def feed(self, data: bytes) -> None:
        self._pending += data

    def pull(self, limit: int) -> bytes:
        if self.finished:
            return b""
        if self._machine is None and not self._start():
            return b""
        try:
            out: bytes = self._machine.decompress(self._pending, limit)
        except zlib.error as exc:
            raise DecodeError(f"the {self._coding} data is corrupt ({exc})") from exc
        self._pending = self._machine.unconsumed_tail
        self._saturated = len(out) >= limit
        if self._machine.eof:
            self._pending, self._machine, self._saturated = self._machine.unused_data, None, False
            if self._coding == "deflate":
                self.finished = True
        return out

    def _start(self) -> bool:
        """A new stream (or gzip member) once its first two bytes tell which header it has."""
        if len(self._pending) < 2:
            return False
        if self._coding == "gzip":
            if self._members and self._pending[:2] != _GZIP_MAGIC:
                self.finished = True  # bytes after the last member, not another member
                return False
            self._machine = zlib.decompressobj(_GZIP_OR_ZLIB)
            self._members += 1
            return True
        cmf, flg = self._pending[0], self._pending[1]
        zlib_wrapped = cmf & 0x0F == 8 and cmf >> 4 <= 7 and (cmf << 8 | flg) % 31 == 0
        self._machine = zlib.decompressobj(zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS)
        return True


class _Brotli:
    """br through brotli >= 1.2. Its output limit is a floor, not a cap (the buffer grows in blocks of up to
    32 KiB), so a step can exceed the slice by one block. Bytes after the end of the stream are an error
    here: brotli does not say where its stream ended."""

    def __init__(self) -> None:
        self._machine = _BROTLI.Decompressor()
        self._pending = b""
        self._saturated = False
        self.finished = False

    @property
    def wants_input(self) -> bool:
        return not self.finished and not self._saturated and not self._pending

    def feed(self, data: bytes) -> None:
        self._pending += data

    def pull(self, limit: int) -> bytes:
        if self.finished:
            return b""
        take = b""
        if self._machine.can_accept_more_data():
            take, self._pending = self._pending, b""
        try:
            out: bytes = self._machine.process(take, output_buffer_limit=limit)
        except _BROTLI.error as exc:
            raise DecodeError(f"the br data is corrupt ({exc})") from exc
        self.finished = bool(self._machine.is_finished())
        self._saturated = not self._machine.can_accept_more_data()
        if self._saturated and not out and not take:
            raise DecodeError("the br decoder made no progress")
        return out


def _layer(coding: str) -> _Layer:
    if coding in ("gzip", "x-gzip"):
        return _Zlib("gzip")
    if coding == "deflate":
        return _Zlib("deflate")
    if coding == "br" and _BROTLI is not None:
        return _Brotli()
    raise DecodeError(f"unsupported Content-Encoding {coding!r}")


class BodyDecoder:
    """Feed raw body bytes in; read decoded bytes out one bounded step at a time.

    `budget` caps the bytes any one layer takes in (the raw body included): past it the decoder
    stops (`exhausted`), however little it has produced.
    """

    def __init__(self, content_encoding: str | None, *, budget: int) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > MAX_CODINGS:
            raise DecodeError(f"{len(codings)} stacked Content-Encodings (at most {MAX_CODINGS} are decoded)")
        # Codings are listed in the order they were applied: undo the last one first.
        self._layers = [_layer(c) for c in reversed(codings)]
        self._raw = b""
        self._taken = [0] * (len(self._layers) + 1)
        self._budget = budget
        self.exhausted = False

    @property
    def layered(self) -> bool:
        return bool(self._layers)

    @property
    def finished(self) -> bool:
        """Nothing more will come out: the outermost coding ended, or the budget is spent."""
        return self.exhausted or (bool(self._layers) and self._layers[-1].finished)

    def feed(self, raw: bytes) -> None:
        self._raw += raw

    def read(self, limit: int = SLICE) -> bytes | None:
        """One step: decoded bytes (at most about `limit`; b"" when the step only consumed input), or
        None when more raw input is needed or nothing more will come."""
        if self.finished:
            return None
        return self._step(len(self._layers) - 1, limit)

    def _step(self, index: int, limit: int) -> bytes | None:
        if index < 0:
            raw, self._raw = self._raw, b""
            return self._count(0, raw) or None
        layer = self._layers[index]
        if layer.finished:
            return None
        if layer.wants_input:
            source = self._step(index - 1, SLICE)
            if source is None:
                return None
            if not source:
                return b""  # the layer below consumed input without output: progress, nothing yet
            layer.feed(self._count(index + 1, source))
            if self.exhausted:
                return None
        return layer.pull(limit)

    def _count(self, position: int, data: bytes) -> bytes:
        self._taken[position] += len(data)
        if self._taken[position] > self._budget:
            self.exhausted = True
        return data
