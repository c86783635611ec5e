"""The Google AMP Cache URL of a page (docs/amp-cache.md): pure string work, shared by rules and checker."""

from __future__ import annotations

import base64
import re
from urllib.parse import urlsplit

CACHE_DOMAIN = "cdn.ampproject.org"
_MAX_LABEL = 63
# Character ranges of left-to-right and right-to-left scripts from the AMP cache URL specification. No
# right-to-left character is ASCII, so an ASCII host is never of mixed direction; the patterns are compiled
# (a few ms) only for a host that is not.
_LTR = ("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02b8\u0300-\u0590\u0800-\u1fff"
        "\u200e\u2c00-\ufb1c\ufe00-\ufe6f\ufefd-\uffff]")
_RTL = "[\u0591-\u06ef\u06fa-\u07ff\u200f\ufb1d-\ufdff\ufe70-\ufefc]"
_IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "webp", "svg", "ico", "bmp", "avif"})
_FONT_EXTENSIONS = frozenset({"woff", "woff2", "ttf", "otf", "eot"})


def cache_subdomain(host: str) -> str:
    """The cache host prefix for an origin host, e.g. 'www.techradar.com' → 'www-techradar-com'."""
    ascii_host = _to_ascii(host.lower())
    unicode_host = _to_unicode(ascii_host)
    mixed_direction = (not unicode_host.isascii() and re.search(_RTL, unicode_host) is not None
                       and re.search(_LTR, unicode_host) is not None)
    if "." in ascii_host and not mixed_direction:
        readable = unicode_host.replace("-", "--").replace(".", "-")
        if readable[2:4] == "--":
            readable = f"0-{readable}-0"  # a label may not have '--' at positions 3-4 unless it is punycode
        try:
            encoded = readable.encode("idna").decode("ascii").lower()
        except UnicodeError:
            encoded = ""
        if encoded and len(encoded) <= _MAX_LABEL:
            return encoded
    import hashlib  # noqa: PLC0415  (rarely needed: not imported with the rules)

    digest = hashlib.sha256(ascii_host.encode("ascii")).digest()
    return base64.b32encode(digest).decode("ascii").lower().rstrip("=")


def cache_url(url: str) -> str | None:
    """The Google AMP Cache URL that serves url, or None when url is not an absolute http(s) URL."""
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in ("http", "https"):
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    rest = rest.split("#", 1)[0]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if "@" in authority:  # the cache serves the page, never with credentials (nor may its URL show them)
        rest = rest[authority.rindex("@") + 1:]
    path = urlsplit(url).path
    extension = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    kind = "i" if extension in _IMAGE_EXTENSIONS else "r" if extension in _FONT_EXTENSIONS else "c"
    secure = "/s" if scheme == "https" else ""
    return f"https://{cache_subdomain(host)}.{CACHE_DOMAIN}/{kind}{secure}/{rest}"


def _to_ascii(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host.encode("ascii", "backslashreplace").decode("ascii")


def _to_unicode(host: str) -> str:
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError:
        return host
