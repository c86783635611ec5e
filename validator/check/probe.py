"""Pure readers of a bounded response body: AMP marker, canonical link, title, image format and size, and
the fingerprint of a page's visible text."""

from __future__ import annotations

import hashlib
import html
import re
import struct
from dataclasses import dataclass

# The AMP marker on the top-level <html> tag: <html ⚡>, <html amp>, <html lang="en" amp="">.
_HTML_TAG = re.compile(rb"<html\b([^>]*)>", re.IGNORECASE)
_AMP_ATTR = re.compile(r"(?:^|\s)(?:⚡|amp)(?:\s|=|/|$)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the head of an HTML page says about itself."""

    is_amp: bool
    canonical: str | None
    title: str
    heading: str


_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_TAG = re.compile(r"<[^>]*>")


def page_facts(body: bytes, charset: str | None = None) -> PageFacts:
    """Regular expressions over the page, not a full HTML parse: this runs for every page checked
    (an HTMLParser pass cost more than the rest of our own work per URL), and the four facts sit
    in simple tags."""
    tag = _HTML_TAG.search(body)
    is_amp = bool(tag and _AMP_ATTR.search(tag.group(1).decode("utf-8", "replace")))
    text = body.decode(charset if charset and _known_codec(charset) else "utf-8", "replace")
    return PageFacts(is_amp, _canonical(text), _text_of(_TITLE.search(text)), _text_of(_H1.search(text)))


def is_html(content_type: str) -> bool:
    """Whether a Content-Type header says HTML (a page with text), or says nothing (servers omit it)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media in ("", "text/html", "application/xhtml+xml")


def charset_of(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    match = re.search(r"charset=([\w.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def _canonical(text: str) -> str | None:
    for link in _LINK_TAG.finditer(text):
        attributes = {m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
                      for m in _ATTRIBUTE.finditer(link.group(0))}
        if "canonical" in attributes.get("rel", "").lower().split():
            return attributes.get("href", "").strip() or None
    return None


def _text_of(match: re.Match[str] | None) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", match.group(1))).split()) if match else ""


def _known_codec(name: str) -> bool:
    try:
        "".encode(name)
    except LookupError:
        return False
    return True


# What a reader never sees: scripts, styles, the head, comments.
_INVISIBLE = re.compile(r"<(script|style|noscript|template|svg|head)\b[^>]*>.*?</\1\s*>|<!--.*?-->",
                        re.IGNORECASE | re.DOTALL)
# What changes between two answers of one template: ids (hex runs with a digit, as in tokens, hashes, UUIDs)
# and numbers (dates, times, counters).
_IDS = re.compile(r"\b(?=[0-9a-f-]*\d)[0-9a-f]{8,}(?:-[0-9a-f]+)*\b|\d+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class TextPrint:
    """A page's visible text, as a fingerprint: equal for two answers of one page whatever their numbers."""

    digest: str
    length: int  # characters of the text fingerprinted


def text_print(body: bytes, charset: str | None = None) -> TextPrint:
    """The fingerprint of the visible text: scripts, styles, the head and tags removed, entities read,
    numbers and ids dropped, spacing and case ignored."""
    text = body.decode(charset if charset and _known_codec(charset) else "utf-8", "replace")
    visible = html.unescape(_TAG.sub(" ", _INVISIBLE.sub(" ", text)))
    words = " ".join(_IDS.sub(" ", visible).lower().split())
    return TextPrint(hashlib.sha256(words.encode("utf-8", "replace")).hexdigest()[:32], len(words))


# Phrases of error pages, not of articles: an article may well be titled "Missing hiker not found".
_NOT_FOUND = re.compile(
    r"page (?:was )?not found|404 (?:-\s*|error|not found|page)|error 404|http 404|"
    r"page (?:you (?:requested|are looking for|were looking for) )?(?:could not|cannot|can't|can not) be found|"
    r"page (?:no longer exists|does not exist|doesn't exist)|seite nicht gefunden|página no encontrada|"
    r"page introuvable|pagina non trovata|^\s*(?:404|not found)\s*[.!]?\s*$",
    re.IGNORECASE,
)


def says_not_found(facts: PageFacts) -> str | None:
    """The title or main heading when it says the page is not there."""
    for text in (facts.title, facts.heading):
        if text and _NOT_FOUND.search(text):
            return text
    return None


@dataclass(frozen=True, slots=True)
class ImageFacts:
    format: str
    width: int | None = None
    height: int | None = None


def sniff_image(data: bytes) -> ImageFacts | None:
    """The image format from magic bytes and, where the header holds it, the pixel size.

    None when the bytes are not an image this reader knows.
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(data) >= 24 and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return ImageFacts("png", width, height)
        return ImageFacts("png")
    if data[:6] in (b"GIF87a", b"GIF89a"):
        if len(data) >= 10:
            width, height = struct.unpack("<HH", data[6:10])
            return ImageFacts("gif", width, height)
        return ImageFacts("gif")
    if data.startswith(b"\xff\xd8\xff"):
        return ImageFacts("jpeg", *_jpeg_size(data))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ImageFacts("webp", *_webp_size(data))
    if data.startswith(b"BM") and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return ImageFacts("bmp", width, abs(height))
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis", b"heic", b"heix", b"mif1"):
        return ImageFacts(data[8:12].decode())
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return ImageFacts("tiff")
    if data.startswith(b"\x00\x00\x01\x00"):
        return ImageFacts("ico")
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return ImageFacts("svg")
    return None


# JPEG start-of-frame markers (baseline, progressive, lossless...), which carry the size.
_SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_BROKEN = -1
_FILL_BLOCK = 64 * 1024
_FILL = b"\xff" * _FILL_BLOCK


def _jpeg_size(data: bytes) -> tuple[int | None, int | None]:
    size, _ = _jpeg_scan(data, 2)
    return size or (None, None)


def _jpeg_scan(data: bytes | bytearray, index: int) -> tuple[tuple[int, int] | None, int]:
    """Walk the JPEG markers from `index`: (size, where it was found) or (None, where to resume once more
    bytes have arrived); the index is _BROKEN when the size will not come (no marker where one must be,
    image data or the end of the image before any frame header). Each byte is looked at once, runs of
    fill bytes in C, so resuming as bytes arrive costs linear time in all."""
    end = len(data)
    while index + 1 < end:
        if data[index] != 0xFF:
            return None, _BROKEN
        marker = data[index + 1]
        if marker == 0xFF:  # fill bytes: skip the whole run at once
            run_end = _end_of_fill(data, index + 1)
            if run_end is None:
                return None, end - 1
            index = run_end - 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            index += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header came first
            return None, _BROKEN
        if index + 9 > end:
            return None, index
        length = struct.unpack_from(">H", data, index + 2)[0]
        if marker in _SOF_MARKERS:
            height, width = struct.unpack_from(">HH", data, index + 5)
            return (width, height), index
        if length < 2:
            return None, _BROKEN
        index += 2 + length
    return None, index


def _end_of_fill(data: bytes | bytearray, start: int) -> int | None:
    """Where the run of 0xFF bytes from `start` ends, or None if it reaches the end of the data: a block
    at a time, compared in C (a regular expression or lstrip steps through the bytes 20x slower)."""
    for block_start in range(start, len(data), _FILL_BLOCK):
        block = data[block_start:block_start + _FILL_BLOCK]
        if block == _FILL[:len(block)]:  # a memory comparison
            continue
        return block_start + len(block) - len(block.lstrip(b"\xff"))
    return None


def _webp_size(data: bytes) -> tuple[int | None, int | None]:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None, None


def image_size_known(facts: ImageFacts) -> bool:
    return facts.width is not None and facts.height is not None


class ImageHeaderScan:
    """Tells, as an image body arrives, whether more of it is needed to learn the image's size.

    Call `wants_more` with the whole body so far each time it has grown (only ever by appending):
    a JPEG's markers are walked from where the last call stopped, so the total cost is linear in the
    body however it is chunked (a JPEG's size can sit after megabytes of EXIF data or fill bytes).
    """

    def __init__(self) -> None:
        self._jpeg_index: int | None = None
        self._done = False

    def wants_more(self, data: bytes | bytearray) -> bool:
        if self._done:
            return False
        if self._jpeg_index is None:
            if len(data) < 32:
                return True
            if not data.startswith(b"\xff\xd8\xff"):
                self._done = True  # other formats hold their size in the first 32 bytes, or nowhere we read
                return False
            self._jpeg_index = 2
        size, self._jpeg_index = _jpeg_scan(data, self._jpeg_index)
        self._done = size is not None or self._jpeg_index == _BROKEN
        return not self._done

