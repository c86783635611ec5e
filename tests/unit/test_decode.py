"""Content-Encoding decoding, step by bounded step: what comes out, and how much is ever made."""

from __future__ import annotations

import gzip
import zlib

import pytest

from validator.check import decode as decode_module
from validator.check.decode import ACCEPT_ENCODING, SLICE, BodyDecoder, DecodeError

LIMIT = 256 * 1024


def decode(coding: str | None, raw: bytes, *, chunk: int = 65536, limit: int = LIMIT) -> tuple[bytes, BodyDecoder]:
    """Feed `raw` in network-sized chunks and read until `limit` bytes came out, as fetch does."""
    decoder = BodyDecoder(coding, budget=2 * limit + 1024 * 1024)
    out = bytearray()
    for start in range(0, len(raw), chunk):
        decoder.feed(raw[start:start + chunk])
        while (piece := decoder.read()) is not None:
            assert len(piece) <= 2 * SLICE or not decoder.layered  # brotli may overshoot by a block
            out += piece
            if len(out) >= limit:
                return bytes(out[:limit]), decoder
        if decoder.finished:
            break
    return bytes(out), decoder


def zeros_gzip(size: int) -> bytes:
    machine = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    return b"".join(machine.compress(block) for _ in range(size >> 20)) + machine.flush()


def raw_deflate(data: bytes) -> bytes:
    machine = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return machine.compress(data) + machine.flush()


@pytest.mark.parametrize("coding, raw", [
    (None, b"plain"),
    ("identity", b"plain"),
    ("gzip", gzip.compress(b"plain")),
    ("x-gzip", gzip.compress(b"plain")),
    ("GZIP", gzip.compress(b"plain")),
    ("deflate", zlib.compress(b"plain")),
    ("deflate", raw_deflate(b"plain")),
    ("gzip, gzip", gzip.compress(gzip.compress(b"plain"))),
    ("deflate, gzip", gzip.compress(zlib.compress(b"plain"))),
    ("gzip", gzip.compress(b"pl") + gzip.compress(b"ain")),  # two members, as RFC 1952 allows
    ("gzip", gzip.compress(b"plain") + b"trailing junk"),   # ignored, as browsers and curl do
])
def test_codings_decode(coding: str | None, raw: bytes) -> None:
    assert decode(coding, raw)[0] == b"plain"
    assert decode(coding, raw, chunk=1)[0] == b"plain"  # byte by byte: headers split across chunks


def test_a_double_gzip_bomb_yields_only_the_limit() -> None:
    bomb = gzip.compress(zeros_gzip(256 << 20), 9)  # 256 MiB of zeros in ~1 KiB
    out, decoder = decode("gzip, gzip", bomb)
    assert out == b"\0" * LIMIT
    assert not decoder.finished


def test_a_body_that_decodes_to_nothing_stops_at_the_budget() -> None:
    # One gzip member of nothing but empty stored deflate blocks: 40 MiB in, 0 bytes out.
    inner = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + b"\x00\x00\x00\xff\xff" * (8 << 20)
    out, decoder = decode("gzip, gzip", gzip.compress(inner, 9))
    assert out == b"" and decoder.exhausted and decoder.finished


@pytest.mark.parametrize("coding, message", [
    ("compress", "unsupported Content-Encoding 'compress'"),
    ("gzip, zstd", "unsupported Content-Encoding 'zstd'"),
    ("gzip, gzip, gzip, gzip, gzip, gzip", "6 stacked Content-Encodings"),
])
def test_unknown_and_too_many_codings_are_refused(coding: str, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        BodyDecoder(coding, budget=LIMIT)


def test_corrupt_data_is_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="the gzip data is corrupt"):
        decode("gzip", b"this is not gzip at all")


def test_br_is_decoded_with_a_bound_when_brotli_is_installed() -> None:
    brotli = pytest.importorskip("brotli")  # a test dependency; optional for users (the `br` extra)
    assert ACCEPT_ENCODING == "gzip, deflate, br"
    assert decode("br", brotli.compress(b"plain"))[0] == b"plain"
    out, decoder = decode("br, gzip", gzip.compress(brotli.compress(b"\0" * (64 << 20), quality=5)))
    assert out == b"\0" * LIMIT and not decoder.finished
    with pytest.raises(DecodeError, match="the br data is corrupt"):
        decode("br", b"\xff" * 64)


def test_without_a_bounded_brotli_br_is_not_asked_for_and_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode_module, "_BROTLI", None)
    assert "br" not in decode_module.accept_encoding()
    with pytest.raises(DecodeError, match="unsupported Content-Encoding 'br'"):
        BodyDecoder("br", budget=LIMIT)
