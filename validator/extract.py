"""Pure: a record → its URL fields and links, each with its JSON pointer."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .models import ImageSpec, LinkKind, LinkRef, Occurrence
from .positions import SourceMap, locate

_ARTICLE_FIELDS = (
    ("originalUrl", LinkKind.PAGE),
    ("webUrl", LinkKind.PAGE),
    ("ampWebUrl", LinkKind.AMP),
    ("cdnAmpWebUrl", LinkKind.AMP_CACHE),
)


@dataclass(frozen=True, slots=True)
class UrlField:
    """A URL as written in a record (any string, even an empty one) and what it is."""

    pointer: str
    url: str
    kind: LinkKind
    canonical_candidates: tuple[str, ...] = ()
    image: ImageSpec | None = None


def articles(record: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """The record itself and each related item, with its JSON pointer ('' for the record)."""
    yield "", record
    related = record.get("related")
    if isinstance(related, list):
        for index, item in enumerate(related):
            if isinstance(item, Mapping):
                yield f"/related/{index}", item


def url_fields(record: Mapping[str, Any]) -> Iterator[UrlField]:
    """Every URL-valued field of a record and its related items, in document order."""
    yield from _article(record, "")
    featured = record.get("featuredContent")
    if isinstance(featured, str):
        for src in iframe_sources(featured):
            yield UrlField("/featuredContent", src, LinkKind.EMBED)
    related = record.get("related")
    if isinstance(related, list):
        for index, item in enumerate(related):
            if isinstance(item, Mapping):
                yield from _article(item, f"/related/{index}")


def extract_links(record: Mapping[str, Any], file: str, source: SourceMap | None) -> list[LinkRef]:
    """The checkable links of a record: non-empty strings, each with its occurrence."""
    links = []
    for field in url_fields(record):
        url = field.url.strip()
        if not url:
            continue
        line, column = locate(source, field.pointer)
        links.append(LinkRef(url, field.kind, Occurrence(file, field.pointer, line, column, kind=field.kind),
                             field.canonical_candidates, field.image))
    return links


def _article(item: Mapping[str, Any], base: str) -> Iterator[UrlField]:
    article_urls = tuple(u for u in (item.get("webUrl"), item.get("originalUrl")) if isinstance(u, str) and u)
    for key, kind in _ARTICLE_FIELDS:
        value = item.get(key)
        if isinstance(value, str):
            candidates = article_urls if kind is LinkKind.AMP else ()
            yield UrlField(f"{base}/{key}", value, kind, candidates)
    yield from _images(item.get("images"), f"{base}/images")
    provider = item.get("provider")
    if isinstance(provider, Mapping):
        yield from _images(provider.get("images"), f"{base}/provider/images")


def _images(images: object, base: str) -> Iterator[UrlField]:
    if not isinstance(images, list):
        return
    for index, image in enumerate(images):
        if isinstance(image, Mapping) and isinstance(image.get("url"), str):
            spec = ImageSpec(_dimension(image.get("width")), _dimension(image.get("height")))
            yield UrlField(f"{base}/{index}/url", image["url"], LinkKind.IMAGE, image=spec)


def _dimension(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def iframe_sources(html: str) -> list[str]:
    """The src of every <iframe> in an HTML snippet (featuredContent of videos)."""
    from html.parser import HTMLParser  # noqa: PLC0415  (only videos have HTML; most runs never import it)

    sources: list[str] = []

    class IframeSources(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "iframe":
                sources.extend(value for name, value in attrs if name == "src" and value)

    parser = IframeSources(convert_charrefs=True)
    parser.feed(html)
    parser.close()
    return sources
