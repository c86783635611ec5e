"""Pure URL helpers: normalisation for identity, registrable domains, IRI → URI, mojibake repair."""

from __future__ import annotations

import contextlib
import re
from functools import cache
from urllib.parse import quote, urlsplit, urlunsplit

from publicsuffixlist import PublicSuffixList

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are when percent-encoding an IRI: RFC 3986 reserved and unreserved sets, and '%'.
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"
# Printable ASCII only, and nothing that ends a Markdown link, an HTML attribute or a table cell.
_PLAIN_HTTP_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?/[!#$%&'*+,./0-9:;=?@A-Z_a-z~-]*")


def normalise(url: str) -> str:
    """The identity of a URL for de-duplication and caching.

    Scheme and host lower-cased, default port and fragment dropped, an empty path made '/'.
    Path and query keep their case and order: servers may distinguish them.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    if parts.username or parts.password:
        host = f"{parts.username or ''}:{parts.password or ''}@{host}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


def host_of(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.rstrip(".") if host else None


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()  # parses the bundled list once (~50 ms)


@cache
def registrable_domain(host: str) -> str:
    """'www.bbc.co.uk' → 'bbc.co.uk'; a host that is itself a public suffix (or unknown) → itself."""
    host = host.lower().rstrip(".")
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    return _psl().privatesuffix(host) or host


def host_matches_domain(host: str, domain: str) -> bool:
    """True when host is domain, a subdomain of it, or shares its registrable domain (www.x.com ~ x.com)."""
    host, domain = host.lower().rstrip("."), domain.lower().rstrip(".")
    if host == domain or host.endswith("." + domain):
        return True
    return registrable_domain(host) == registrable_domain(domain)


def iri_to_uri(url: str) -> str:
    """The percent-encoded (and punycoded) form of an IRI: what to write instead of non-ASCII text."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return quote(url, safe=_URI_SAFE)
    netloc = parts.netloc
    if parts.hostname and not parts.hostname.isascii():
        try:
            netloc = netloc.replace(parts.hostname, parts.hostname.encode("idna").decode("ascii"))
        except UnicodeError:
            netloc = quote(netloc, safe=_URI_SAFE)
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe=_URI_SAFE),
                       quote(parts.query, safe=_URI_SAFE), quote(parts.fragment, safe=_URI_SAFE)))


def plain_http_url(url: str, *, max_length: int = 2048) -> bool:
    """True for an absolute http(s) URL that a report can link to as it is (a snapshot of a web archive)."""
    return len(url) <= max_length and _PLAIN_HTTP_URL.fullmatch(url) is not None


def repair_mojibake(text: str) -> str | None:
    """If text is UTF-8 that was decoded as CP1252 or Latin-1 (e.g. 'Ã©' for 'é'), the repaired text."""
    if text.isascii():
        return None
    for codec in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if repaired != text:
            return repaired
    return None
