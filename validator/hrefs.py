"""What a report may link to as it is: a seed file's path as a URI reference, a plain http(s) URL."""

from __future__ import annotations

import re
from urllib.parse import quote

# Printable ASCII only, and nothing that ends a Markdown link, an HTML attribute or a table cell.
_PLAIN_HTTP_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?/[!#$%&'*+,./0-9:;=?@A-Z_a-z~-]*")


def file_uri_path(path: str) -> str:
    """A '/'-separated file path as an RFC 3986 URI path (relative reference): every character but the
    unreserved ones and '/' percent-encoded, so `a b#c%41.txt` → `a%20b%23c%2541.txt` (UTF-8 first)."""
    return quote(path, safe="/")


def plain_http_url(url: str, *, max_length: int = 2048) -> bool:
    """True for an absolute http(s) URL that a report can link to as it is (a snapshot of a web archive)."""
    return len(url) <= max_length and _PLAIN_HTTP_URL.fullmatch(url) is not None
