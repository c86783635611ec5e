"""The AMP cache URL against the reference test vectors of @ampproject/toolbox-cache-url (spec/AmpUrlSpec.js)."""

from __future__ import annotations

import pytest

from validator.amp import cache_subdomain, cache_url


@pytest.mark.parametrize("url, expected", [
    ("https://www.example.com", "https://www-example-com.cdn.ampproject.org/c/s/www.example.com"),
    ("http://www.example.com", "https://www-example-com.cdn.ampproject.org/c/www.example.com"),
    ("https://www.example.com/index.html", "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/index.html"),
    ("http://www.example.com/index.html", "https://www-example-com.cdn.ampproject.org/c/www.example.com/index.html"),
    ("https://www.example.com/image.png", "https://www-example-com.cdn.ampproject.org/i/s/www.example.com/image.png"),
    ("http://www.example.com/image.png", "https://www-example-com.cdn.ampproject.org/i/www.example.com/image.png"),
    ("https://www.example.com/font.woff2", "https://www-example-com.cdn.ampproject.org/r/s/www.example.com/font.woff2"),
    ("http://www.example.com/font.woff2", "https://www-example-com.cdn.ampproject.org/r/www.example.com/font.woff2"),
    ("https://example.com/g?value=Hello%20World",
     "https://example-com.cdn.ampproject.org/c/s/example.com/g?value=Hello%20World"),
    ("https://點看.com", "https://xn---com-k47jg78q.cdn.ampproject.org/c/s/點看.com"),
])
def test_cache_url_reference_vectors(url: str, expected: str) -> None:
    assert cache_url(url) == expected


@pytest.mark.parametrize("host, expected", [
    ("something.com", "something-com"),
    ("SOMETHING.COM", "something-com"),
    ("hello-world.com", "hello--world-com"),
    ("hello--world.com", "hello----world-com"),
    ("toplevelnohyphens", "qsgpfjzulvuaxb66z77vlhb5gu2irvcnyp6t67cz6tqo5ae6fysa"),
    ("no-dot-domain", "4lxc7wqq7b25walg4rdiil62veijrmqui5z3ept2lyfqqwpowryq"),
    ("itwasadarkandstormynight.therainfellintorrents.exceptatoccasionalintervalswhenitwascheckedby"
     ".aviolentgustofwindwhichsweptupthestreets.com", "dgz4cnrxufaulnwku4ow5biptyqnenjievjht56hd7wqinbdbteq"),
    ("xn--bcher-kva.ch", "xn--bcher-ch-65a"),
    ("xn--4gbrim.xn----rmckbbajlc6dj7bxne2c.xn--wgbh1c", "xn-------i5fvcbaopc6fkc0de0d9jybegt6cd"),
    ("hello.xn--4gbrim.xn----rmckbbajlc6dj7bxne2c.xn--wgbh1c", "a6h5moukddengbsjm77rvbosevwuduec2blkjva4223o4bgafgla"),
    ("en-us.example.com", "0-en--us-example-com-0"),
])
def test_subdomain_reference_vectors(host: str, expected: str) -> None:
    assert cache_subdomain(host) == expected


def test_the_real_seed_pairs_match() -> None:
    amp = "https://www.techradar.com/amp/news/thousands-of-us-government-agencies-using-facial-recognition-without-permission"
    assert cache_url(amp) == (
        "https://www-techradar-com.cdn.ampproject.org/c/s/www.techradar.com/amp/news/"
        "thousands-of-us-government-agencies-using-facial-recognition-without-permission")


@pytest.mark.parametrize("url", ["ftp://example.com/a", "example.com/a", "", "https://"])
def test_no_cache_url_for_non_http_urls(url: str) -> None:
    assert cache_url(url) is None


def test_fragment_is_not_part_of_the_cache_url() -> None:
    assert cache_url("https://a.example/p?amp#top") == "https://a-example.cdn.ampproject.org/c/s/a.example/p?amp"
