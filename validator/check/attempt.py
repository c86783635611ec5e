"""What one attempt at a URL saw, as plain data: no I/O here, so classification can stay pure.

fetch.py fills these in from the HTTP engine; classify.py, retry.py and politeness.py only read them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


class Failure(enum.StrEnum):
    """Why no final response was had; the retry policy and classification key on this, never on text."""

    BLOCKED_ADDRESS = "blocked-address"
    DNS_NXDOMAIN = "dns-nxdomain"
    DNS_ERROR = "dns-error"
    CONNECT_REFUSED = "connect-refused"
    CONNECT_TIMEOUT = "connect-timeout"
    CONNECT_ERROR = "connect-error"
    NO_ROUTE = "no-route"
    TLS = "tls"
    READ_TIMEOUT = "read-timeout"
    RESET = "reset"
    PROTOCOL = "protocol"
    DECODING = "decoding"
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    BAD_REDIRECT = "bad-redirect"
    UNSUPPORTED_SCHEME = "unsupported-scheme"


CONNECTION_FAILURES = frozenset({Failure.CONNECT_REFUSED, Failure.CONNECT_TIMEOUT, Failure.CONNECT_ERROR,
                                 Failure.NO_ROUTE, Failure.DNS_ERROR, Failure.TLS})
# Failures that say the network, not the host, is missing: all of them at once make a run inconclusive.
NETWORK_FAILURES = frozenset({Failure.DNS_NXDOMAIN, Failure.DNS_ERROR, Failure.NO_ROUTE})
DNS_FAILURES = frozenset({Failure.DNS_NXDOMAIN, Failure.DNS_ERROR})

# Response headers: names lower-cased, repeated headers joined with ", " (RFC 9110 §5.3).
Headers = Mapping[str, str]


def header_map(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """A plain header mapping from (name, value) pairs as they came, in any case, repeats included."""
    headers: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


@dataclass(frozen=True, slots=True)
class Hop:
    url: str
    status: int


@dataclass(slots=True)
class Fetched:
    """What one attempt saw: the hops, then either a final response (status, headers, body head) or a failure."""

    url: str
    hops: list[Hop] = field(default_factory=list)
    status: int | None = None
    final_url: str | None = None
    headers: Headers = field(default_factory=dict)
    body: bytes = b""
    body_truncated: bool = False
    failure: Failure | None = None
    detail: str = ""
    connected: bool = False
