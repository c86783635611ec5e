"""Pure URL helpers: normalisation for identity, credentials redacted, registrable domains, IRI → URI,
file paths as URI references, mojibake repair."""

from __future__ import annotations

import contextlib
import ipaddress
import re
import string
import unicodedata
from functools import cache, lru_cache
from urllib.parse import quote, urlsplit, urlunsplit

from publicsuffixlist import PublicSuffixList

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are when percent-encoding an IRI: RFC 3986 reserved and unreserved sets, and '%'.
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"
# The user information of a URL: after the scheme's '//', up to the last '@' before the path, query or fragment
# (where urlsplit puts it too). In free text the authority also ends at whitespace.
_URL_USERINFO = re.compile(r"^(\s*(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//)([^/?#]*)@")
_TEXT_USERINFO = re.compile(r"(//)([^/?#\s]*)@")
MASK = "***"
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def scheme_of(url: str) -> str:
    """The scheme of url, lower-cased ('' when it has none), without parsing the rest."""
    match = _SCHEME.match(url.strip())
    return match.group(1).lower() if match else ""


def malformation(url: str) -> str | None:
    """Why url cannot be parsed as written, or None: what urlsplit refuses (brackets that are not an IP
    address, a port that is not a number in 0-65535, a netloc that Unicode normalisation would turn into
    a '/', '?', '#', '@' or ':', as U+2100 'a/c' does) or a host that NFKC normalisation changes
    (full-width letters, ligatures)."""
    try:
        parts = urlsplit(url.strip())
        _ = parts.port
    except ValueError as exc:
        return str(exc)
    host = parts.hostname or ""
    if not host.isascii():
        normal = unicodedata.normalize("NFKC", host)
        if normal != host:
            return f"its host '{host}' changes under Unicode normalisation (NFKC) into '{normal}'"
    return None
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")


def normalise(url: str) -> str:
    """The identity of a URL for de-duplication and caching: two URLs get the same one only when they name
    the same resource, and distinct resources get distinct ones.

    The equivalences applied (RFC 3986 §6.2.2 syntax-based, §6.2.3 scheme-based for http and https):
    scheme and host case (an IPv6 literal written in any form is its compressed form, in brackets, so a
    port can never be read into it), a trailing dot on the host, an explicit default port or an empty one,
    the case of a percent-encoding's hex digits, percent-encoded unreserved characters (`%7E` is `~`), an
    empty path and '/' (with an authority), and the fragment (never sent). Path, query and user information
    keep their case, order and every other character as written: servers may distinguish them, and an
    empty query ('?') is not no query. Equivalences not applied (dot segments, raw non-ASCII against its
    percent-encoding) only cost a second check, never a wrong match.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    head = f"{scheme}:" if parts.scheme else ""
    has_authority = text[len(head):].startswith("//")
    if has_authority:
        userinfo, at, hostport = parts.netloc.rpartition("@")
        host = _host(parts.hostname or "", literal=hostport.startswith("["))
        if port is not None and port != _DEFAULT_PORTS.get(scheme):
            host = f"{host}:{port}"
        head += f"//{_percent(userinfo)}{at}{host}"
    path = _percent(parts.path) or ("/" if has_authority and scheme in _DEFAULT_PORTS else "")
    query = f"?{_percent(parts.query)}" if "?" in text.split("#", 1)[0] else ""
    return f"{head}{path}{query}"


def _host(host: str, *, literal: bool) -> str:
    """A host as an identity: lower case (urlsplit's hostname), without a trailing dot; an IP literal in
    its brackets, an IPv6 address in its compressed form."""
    if literal:
        with contextlib.suppress(ValueError):
            host = ipaddress.IPv6Address(host).compressed
        return f"[{host}]"
    return _percent(host).rstrip(".")


def _percent(text: str) -> str:
    """Percent-encodings normalised: an unreserved character decoded, every other one's hex upper-cased."""
    return _PERCENT.sub(_decoded, text) if "%" in text else text


def _decoded(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else match.group(0).upper()


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


# A URL whose authority is a plain host (letters, digits, dots, hyphens) with at most a numeric port, right
# after its scheme: its host and port read straight off the text, as urlsplit would read them. Anything else
# (user information, brackets, whitespace or controls anywhere urlsplit would drop them) goes to urlsplit.
_PLAIN_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9.-]+)(?::([0-9]*))?(?=[/?#]|\Z)")


def plain_authority(url: str) -> tuple[str, int | None] | None:
    """(host in lower case, port or None) of a URL of the plain shape (_PLAIN_AUTHORITY), exactly what
    urlsplit(url).hostname and .port give; None for any other URL (ask urlsplit), a port out of range too."""
    match = _PLAIN_AUTHORITY.match(url)
    if match is None:
        return None
    host, port_text = match.groups()
    if not port_text:
        return host.lower(), None
    port = int(port_text)
    return (host.lower(), port) if port <= 65535 else None


def host_of(url: str) -> str | None:
    plain = plain_authority(url)
    if plain is not None:
        host: str | None = plain[0]
    else:
        try:
            host = urlsplit(url).hostname
        except ValueError:
            return None
    return host.rstrip(".") if host else None


# One part of an IPv4 address as inet_aton and the WHATWG URL parser read it: hex (0x), octal (leading 0), decimal.
_IPV4_PART = re.compile(r"0[xX]([0-9A-Fa-f]+)|0([0-7]*)|([1-9][0-9]*)")


def legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host written in any of its legacy spellings stands for, or None for a name: what
    inet_aton (and so getaddrinfo) and the WHATWG URL parser accept, so `127.1`, `2130706433`, `0x7f000001`
    and `0177.0.0.1` are all 127.0.0.1: one to four parts, each decimal, octal (leading 0) or hex (0x), every
    part but the last one byte, the last filling the bytes left."""
    host = host.removesuffix(".")
    if host.count(".") > 3:
        return None
    numbers = [_ipv4_part(part) for part in host.split(".")]
    *bytes_, last = numbers
    if last is None or any(number is None or number > 255 for number in bytes_) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for index, number in enumerate(bytes_):
        value += (number or 0) << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _ipv4_part(part: str) -> int | None:
    match = _IPV4_PART.fullmatch(part)
    if match is None:
        return None
    hexadecimal, octal, decimal = match.groups()
    digits = (hexadecimal or octal or decimal or "0").lstrip("0") or "0"  # leading zeros: any number of them
    if len(digits) > 12:  # more than 2**32 in any base, and never a long int to parse
        return None
    return int(digits, 16 if hexadecimal else 8 if octal is not None else 10)


@lru_cache(maxsize=4096)
def server_host(host: str) -> str:
    """The one spelling of the server a host stands for, the key of its politeness (per-host slots, interval,
    failure count): a name in lower case without a trailing dot; an IPv4 address written in any legacy
    spelling (legacy_ipv4) in dotted form; an IPv6 address, with or without brackets, compressed, and one
    that maps an IPv4 address (::ffff:a.b.c.d) as that IPv4 address. Not a URL's identity (normalise): the
    request still carries the host as written (Host header, TLS name), and a server may answer differently."""
    host = host.lower()
    if not host.isascii():  # as httpx connects to it: IDNA ('127。0。0。1', ideographic full stops, is 127.0.0.1)
        host = _idna(host)
    host = host.removesuffix(".")
    if not host:
        return host
    address = legacy_ipv4(host)
    if address is not None:
        return str(address)
    try:
        v6 = ipaddress.IPv6Address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        return host
    return str(v6.ipv4_mapped) if v6.ipv4_mapped is not None else v6.compressed


def _idna(host: str) -> str:
    import idna  # noqa: PLC0415  (httpx's own; only for a host that is not ASCII)

    try:
        return str(idna.encode(host).decode("ascii"))
    except (idna.IDNAError, UnicodeError, ValueError):
        return host


def server_of(url: str) -> str:
    """server_host of the URL's host ('' when it has none)."""
    host = host_of(url)
    return server_host(host) if host else ""


@lru_cache(maxsize=8192)  # asked several times per request (politeness, probes): parsing it once is enough
def origin_of(url: str) -> str:
    """The URL's origin as text, `scheme://host[:port]` (the default port left out), its host as server_host
    gives it (an IPv6 address in brackets): what a connection goes to. The URL itself when it has no host."""
    plain = plain_authority(url)
    if plain is not None:
        hostname, port = plain
        scheme = url.partition(":")[0].lower()
    else:
        try:
            parts = urlsplit(url.strip())
            hostname, port, scheme = parts.hostname or "", parts.port, parts.scheme.lower()
        except ValueError:
            return url
    host = server_host(hostname)
    if not host:
        return url
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{scheme}://{shown}:{port}"


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
