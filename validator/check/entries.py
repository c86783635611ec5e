"""A link entry before any request: whether it is checked at all, and the key its verdict is cached under."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..models import LinkEntry, LinkKind
from ..patterns import compile_url_pattern
from ..urls import normalise


class LinkScope:
    """The include/exclude patterns of the configuration, and what no request can be made for."""

    def __init__(self, include: Iterable[str], exclude: Iterable[str]) -> None:
        self.include = [compile_url_pattern(p) for p in include]
        self.exclude = [compile_url_pattern(p) for p in exclude]

    def skip_reason(self, url: str) -> str | None:
        """Why the URL is skipped without a request, or None when it is to be checked."""
        if not url.lower().startswith(("http://", "https://")):
            return "not an http(s) URL"
        try:
            if not urlsplit(url).hostname:
                return "the URL has no host"
        except ValueError as exc:
            return f"not a valid URL ({exc})"
        if self.include and not any(p.search(url) for p in self.include):
            return "not matched by the include patterns"
        for pattern in self.exclude:
            if pattern.search(url):
                return f"excluded by pattern {pattern.pattern!r}"
        return None


def cache_key(entry: LinkEntry) -> str:
    """Kinds, URL identity and what the record expects: the verdict depends on all three. A URL used as
    one kind keeps the key it always had ("page https://…"); as several, the kinds are joined ("image+page")."""
    kinds = entry.kinds
    expects = ""
    if entry.image is not None and LinkKind.IMAGE in kinds:
        expects = f"{entry.image.width}x{entry.image.height}"
    if entry.canonical_candidates and LinkKind.AMP in kinds:
        expects += "|" + "|".join(sorted(normalise(c) for c in entry.canonical_candidates))
    digest = hashlib.sha256(expects.encode()).hexdigest()[:16] if expects else "-"
    return f"{'+'.join(sorted(kind.value for kind in kinds))} {normalise(entry.url)} {digest}"
