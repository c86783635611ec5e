from __future__ import annotations

import pytest

from tests.linkcheck import jpeg_header, png
from validator.check.probe import ImageHeaderScan, page_facts, says_not_found, sniff_image
from validator.check.soft404 import probe_key, section_key


def test_page_facts_read_title_heading_canonical_and_amp_marker() -> None:
    body = ('<!doctype html><html amp lang="en"><head><meta charset="utf-8">'
            "<link href='https://a.example/story?x=1&amp;y=2' rel=\"canonical amphtml\">"
            "<title>\n  Tom &amp; Jerry </title></head><body><h1 class=x>Big <em>news</em></h1></body></html>")
    facts = page_facts(body.encode())
    assert facts.is_amp and facts.canonical == "https://a.example/story?x=1&y=2"
    assert (facts.title, facts.heading) == ("Tom & Jerry", "Big news")


@pytest.mark.parametrize("tag, amp", [("<html ⚡>", True), ("<html AMP>", True), ('<html lang="en" amp="">', True),
                                      ('<html lang="amp">', False), ("<html>", False), ("<html data-amp>", False)])
def test_amp_marker_is_an_attribute_of_html(tag: str, amp: bool) -> None:
    assert page_facts(f"{tag}<head></head></html>".encode()).is_amp is amp


def test_charset_from_the_header_is_used() -> None:
    facts = page_facts("<title>Caf\u00e9</title>".encode("latin-1"), "iso-8859-1")
    assert facts.title == "Caf\u00e9"
    assert page_facts(b"<title>x</title>", "no-such-codec").title == "x"


@pytest.mark.parametrize("title", ["404 - Page not found", "Page Not Found | Site", "Error 404", "404",
                                   "Sorry, the page you are looking for cannot be found", "Seite nicht gefunden"])
def test_not_found_titles(title: str) -> None:
    assert says_not_found(page_facts(f"<title>{title}</title>".encode())) == title


@pytest.mark.parametrize("title", ["404 Media: new investigation", "Missing hiker not found after search",
                                   "Why the page count of novels fell"])
def test_article_titles_that_merely_mention_it(title: str) -> None:
    assert says_not_found(page_facts(f"<title>{title}</title>".encode())) is None


def test_image_sniffing() -> None:
    small = sniff_image(png(3, 2))
    assert small is not None and (small.format, small.width, small.height) == ("png", 3, 2)
    jpeg = sniff_image(jpeg_header(640, 480, exif=2000))
    assert jpeg is not None and (jpeg.format, jpeg.width, jpeg.height) == ("jpeg", 640, 480)
    gif = sniff_image(b"GIF89a\x10\x00\x20\x00")
    assert gif is not None and (gif.width, gif.height) == (16, 32)
    assert sniff_image(b"<html>") is None
    svg = sniff_image(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')
    assert svg is not None and svg.format == "svg" and svg.width is None


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[start:start + size] for start in range(0, len(data), size)]


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_the_header_scan_stops_once_the_size_is_known_however_the_body_arrives(chunk: int) -> None:
    body = jpeg_header(640, 480, exif=3000) + b"\x00" * 5000
    scan, seen = ImageHeaderScan(), bytearray()
    for piece in chunked(body, chunk):
        seen += piece
        if not scan.wants_more(seen):
            break
    needed = 2 + 4 + 3000 + 9  # start of image, the APP1 segment, then SOF0 up to its width and height
    assert needed <= len(seen) < needed + chunk
    facts = sniff_image(bytes(seen))
    assert facts is not None and (facts.width, facts.height) == (640, 480)


@pytest.mark.parametrize("body, more", [
    (png(3, 2), False),                                         # the size is in the first 32 bytes
    (b"<html>" * 10, False),                                    # not an image: nothing more to learn
    (b"\xff\xd8\xff" + b"\xff" * 100, True),                    # fill bytes: the size may still come
    (b"\xff\xd8\xff\xe1\x10\x00" + b"\x00" * 40, True),         # inside an APP1 segment
    (b"\xff\xd8\x00" + b"\x00" * 40, False),                    # no marker where one must be: broken
    (b"\xff\xd8\xff\xda\x00\x08" + b"\x00" * 40, False),         # image data before any frame header
])
def test_what_the_header_scan_asks_for(body: bytes, more: bool) -> None:
    assert ImageHeaderScan().wants_more(body) is more


def test_a_jpeg_of_fill_bytes_is_scanned_in_one_pass() -> None:
    # 64 MiB of 0xFF after the start of image: linear, in C (the old re-join and re-scan per chunk was
    # quadratic, and stepped byte by byte in Python: 21 s for 2 MiB).
    body = bytearray(b"\xff\xd8")
    scan = ImageHeaderScan()
    fill = b"\xff" * 65536
    for _ in range(1024):
        body += fill
        assert scan.wants_more(body)
    facts = sniff_image(bytes(body))
    assert facts is not None and facts.format == "jpeg" and facts.width is None


def test_a_probe_answers_for_one_origin_section_and_extension() -> None:
    assert probe_key("https://News.example/news/a") == probe_key("https://news.example:443/news/b?x=1")
    assert probe_key("http://news.example/news/a") != probe_key("https://news.example/news/a")  # scheme
    assert probe_key("http://news.example:8080/news/a") != probe_key("http://news.example:8082/news/a")  # port
    # the made-up sibling keeps the extension: whichever URL asks first, the probe is the same
    assert probe_key("https://news.example/news/a.html") != probe_key("https://news.example/news/b")


def test_a_section_is_named_by_its_origin_and_a_url_that_does_not_split_has_none() -> None:
    assert section_key("HTTPS://News.example:443/world/a-story") == "https://news.example/world/"
    assert section_key("https://[::1]:8443/news/a") == "https://[::1]:8443/news/"
    assert section_key("http://[::1/news/a") == ""  # never an error in the middle of a check
