"""A link entry before any request: whether it is checked at all, and the key its verdict is cached under."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..config import LinkSettings
from ..models import LinkEntry, LinkKind
from ..patterns import compile_url_pattern
from ..urls import normalise, plain_authority


class LinkScope:
    """The include/exclude patterns of the configuration, and what no request can be made for."""

    def __init__(self, include: Iterable[str], exclude: Iterable[str]) -> None:
        self.include = [compile_url_pattern(p) for p in include]
        self.exclude = [compile_url_pattern(p) for p in exclude]

    def skip_reason(self, url: str) -> str | None:
        """Why the URL is skipped without a request, or None when it is to be checked."""
        if not url.lower().startswith(("http://", "https://")):
            return "not an http(s) URL"
        if plain_authority(url) is None:  # not the plain shape: urlsplit decides (the common URL skips it)
            try:
                parts = urlsplit(url)
                _ = parts.port  # a port outside 0-65535 raises here, not in the connector
                if not parts.hostname:
                    return "the URL has no host"
            except ValueError as exc:
                return f"not a valid URL ({exc})"
        if self.include and not any(p.search(url) for p in self.include):
            return "not matched by the include patterns"
        for pattern in self.exclude:
            if pattern.search(url):
                return f"excluded by pattern {pattern.pattern!r}"
        return None


# The link settings a cached verdict depends on: with any of them different, the same answer may be judged
# otherwise, or another answer come back. Each is in the key, so a verdict is reused only under the same ones.
#   accept          statuses counted as reachable ("accept = [404]" makes a 404 ok)
#   allow_private   whether private, loopback and link-local addresses may be fetched at all
#   allow_networks  the networks allowed despite being private
#   max_body_bytes  how much of a page or image is read (canonical, soft-404 and image checks see only that)
#   max_redirects   how many redirects are followed before the chain is a problem
#   user_agent      servers answer differently by agent (blocked, bot pages)
#   soft_404_probe  whether a 200 page may be judged soft-dead against the host's not-found baseline (and
#                   the hosts whose [hosts."NAME"] table turns it off)
# Not in the key, on purpose: timeouts, retries, politeness (per-host limits, intervals, host overrides,
# host_failure_limit) and persistent_checks/persistent_days shape only transient outcomes (errors), which
# are never cached; include/exclude decide before the cache is asked.
VERDICT_SETTINGS = ("accept", "allow_private", "allow_networks", "max_body_bytes", "max_redirects", "user_agent",
                    "soft_404_probe")


def settings_fingerprint(links: LinkSettings) -> str:
    """A short digest of the settings a verdict depends on (VERDICT_SETTINGS), for the cache key."""
    shaped = {name: getattr(links, name) for name in VERDICT_SETTINGS}
    shaped["accept"] = sorted(set(links.accept))
    shaped["allow_networks"] = sorted(set(links.allow_networks))
    probe_off = sorted(host for host, o in links.hosts.items() if o.soft_404_probe is False)
    if probe_off:  # a host's own soft-404-probe = false (only then: the keys of other runs stay as they were)
        shaped["soft_404_probe_off"] = probe_off
    text = json.dumps(shaped, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cache_key(entry: LinkEntry, settings: str) -> str:
    """Kinds, URL identity, what the record expects and the settings fingerprint (settings_fingerprint):
    the verdict depends on all four. A URL used as several kinds joins them ("image+page")."""
    kinds = entry.kinds
    expects = ""
    if entry.image is not None and LinkKind.IMAGE in kinds:
        expects = f"{entry.image.width}x{entry.image.height}"
    if entry.canonical_candidates and LinkKind.AMP in kinds:
        expects += "|" + "|".join(sorted(normalise(c) for c in entry.canonical_candidates))
    digest = hashlib.sha256(expects.encode()).hexdigest()[:16] if expects else "-"
    return f"{'+'.join(sorted(kind.value for kind in kinds))} {normalise(entry.url)} {digest} {settings}"
