"""Pure URL helpers: normalisation for identity, credentials redacted, registrable domains, IRI → URI,
file paths as URI references, mojibake repair."""

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
# The user information of a URL: after the scheme's '//', up to the last '@' before the path, query or fragment
# (where urlsplit puts it too). In free text the authority also ends at whitespace.
_URL_USERINFO = re.compile(r"^(\s*(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//)([^/?#]*)@")
_TEXT_USERINFO = re.compile(r"(//)([^/?#\s]*)@")
MASK = "***"


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


def redact(url: str) -> str:
    """The URL with the password (or a lone user name, often a token) of its user information masked:
    `https://user:secret@host/` → `https://user:***@host/`, `https://token@host/` → `https://***@host/`.

    Everything else stays as written. Idempotent; the identity every output and the cache know a URL by.
    """
    if "@" not in url:
        return url
    return _URL_USERINFO.sub(_masked, url, count=1)


def redact_text(text: str) -> str:
    """Free text (a message, a reason) with the user information of every URL in it masked as by redact."""
    if "@" not in text or "//" not in text:
        return text
    return _TEXT_USERINFO.sub(_masked, text)


def has_userinfo(url: str) -> bool:
    """Whether the URL carries user information (credentials) before its host."""
    match = _URL_USERINFO.match(url) if "@" in url else None
    return match is not None and match.group(2) != ""


def _masked(match: re.Match[str]) -> str:
    userinfo = match.group(2)
    if not userinfo:
        return match.group(0)
    user, colon, _ = userinfo.partition(":")
    return f"{match.group(1)}{user}:{MASK}@" if colon else f"{match.group(1)}{MASK}@"


def file_uri_path(path: str) -> str:
    """A '/'-separated file path as an RFC 3986 URI path (relative reference): every character but the
    unreserved ones and '/' percent-encoded, so `a b#c%41.txt` → `a%20b%23c%2541.txt` (UTF-8 first)."""
    return quote(path, safe="/")


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
