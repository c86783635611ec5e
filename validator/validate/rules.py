"""Domain rules a JSON Schema cannot express. Each is a small pure function with a stable id."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .. import amp
from ..extract import UrlField, articles, url_fields
from ..models import Severity
from ..text import bounded, bounded_url, repair_mojibake
from ..urls import has_userinfo, host_matches_domain, host_of, iri_to_uri, malformation, scheme_of

# No web article predates the first web site (1991-08-06).
_EARLIEST_WEB_DATE = datetime(1991, 8, 6, tzinfo=UTC)
_WHITESPACE = re.compile(r"\s")
_HTTP_PREFIX = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://")  # urlsplit's scheme is then http(s): nothing to say


@dataclass(frozen=True, slots=True)
class RuleContext:
    now: datetime
    future_tolerance: timedelta = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Hit:
    pointer: str
    message: str


@dataclass(frozen=True, slots=True)
class Subject:
    """One record as the rules see it, with its URL fields extracted once for all of them."""

    record: Mapping[str, Any]
    urls: tuple[UrlField, ...]

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> Subject:
        return cls(record, tuple(url_fields(record)))


RuleCheck = Callable[[Subject, RuleContext], Iterator[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    check: RuleCheck
    # Schema rule ids that this rule explains better at the same pointer (their finding is dropped).
    supersedes: frozenset[str] = frozenset()


RULES: list[Rule] = []


def rule(rule_id: str, severity: Severity, summary: str, *, supersedes: tuple[str, ...] = ()
         ) -> Callable[[RuleCheck], RuleCheck]:
    def register(check: RuleCheck) -> RuleCheck:
        RULES.append(Rule(rule_id, severity, summary, check, frozenset(supersedes)))
        return check
    return register



def _parse_datetime(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None  # schema/format reports it
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@rule("seed/amp-cache-url", Severity.ERROR,
      "cdnAmpWebUrl must be the Google AMP Cache URL derived from ampWebUrl")
def amp_cache_url(subject: Subject, ctx: RuleContext) -> Iterator[Hit]:
    for base, item in articles(subject.record):
        amp_url, cdn_url = item.get("ampWebUrl"), item.get("cdnAmpWebUrl")
        if not (isinstance(amp_url, str) and isinstance(cdn_url, str)):
            continue  # a missing partner is schema/dependentRequired
        expected = amp.cache_url(amp_url.strip())
        if expected is not None and cdn_url.strip() != expected:
            yield Hit(f"{base}/cdnAmpWebUrl",
                      f"cdnAmpWebUrl is not the AMP Cache URL of ampWebUrl; expected {bounded_url(expected)}")


@rule("seed/provider-domain", Severity.WARNING,
      "article URLs should be on provider.domain or one of its subdomains")
def provider_domain(subject: Subject, ctx: RuleContext) -> Iterator[Hit]:
    for base, item in articles(subject.record):
        provider = item.get("provider")
        domain = provider.get("domain") if isinstance(provider, Mapping) else None
        if not isinstance(domain, str) or not domain:
            continue
        for key in ("webUrl", "originalUrl"):
            url = item.get(key)
            host = host_of(url.strip()) if isinstance(url, str) else None
            if host and not host_matches_domain(host, domain):
                yield Hit(f"{base}/{key}",
                          f"{key} host '{bounded(host)}' is not on provider.domain '{bounded(domain)}'")


@rule("seed/future-date", Severity.ERROR, "publishedDateTime must not be in the future")
def future_date(subject: Subject, ctx: RuleContext) -> Iterator[Hit]:
    written = subject.record.get("publishedDateTime")
    published = _parse_datetime(written)
    if published is not None and published > ctx.now + ctx.future_tolerance:
        yield Hit("/publishedDateTime",
                  f"publishedDateTime {bounded(str(written))} is in the future (now {_iso(ctx.now)})")


@rule("seed/related-date", Severity.WARNING,
      "related items must be dated between the first web site (1991) and now")
def related_date(subject: Subject, ctx: RuleContext) -> Iterator[Hit]:
    for base, item in articles(subject.record):
        if not base:
            continue
        published = _parse_datetime(item.get("publishedDateTime"))
        if published is None:
            continue
        if published > ctx.now + ctx.future_tolerance:
            yield Hit(f"{base}/publishedDateTime",
                      f"related item dated {item['publishedDateTime']}, in the future (now {_iso(ctx.now)})")
        elif published < _EARLIEST_WEB_DATE:
            yield Hit(f"{base}/publishedDateTime",
                      f"related item dated {item['publishedDateTime']}, before the web existed")


_URL_RULES = ("schema/format",)
_WEB_SCHEMES = ("http", "https")


@rule("seed/url-empty", Severity.ERROR, "URL fields must not be empty", supersedes=_URL_RULES)
def url_empty(subject: Subject, ctx: RuleContext) -> Iterator[Hit]:
    for field in subject.urls:
        if not field.url.strip():
            yield Hit(field.pointer, "URL is empty; remove the field or fill it in")


@rule("seed/url-whitespace", Severity.ERROR, "URLs must not contain whitespace", supersedes=_URL_RULES)
def url_whitespace(subject: Subject, ctx: RuleContext) -> Iterator[Hit]:
    for field in subject.urls:
        if field.url.strip() and _WHITESPACE.search(field.url):
            yield Hit(field.pointer, f"URL contains whitespace: {bounded_url(field.url)!r}")


@rule("seed/url-scheme", Severity.ERROR, "URLs must be absolute http(s) URLs", supersedes=_URL_RULES)
def url_scheme(subject: Subject, ctx: RuleContext) -> Iterator[Hit]:
    for field in subject.urls:
        url = field.url.strip()
        if not url or _HTTP_PREFIX.match(url):
            continue
        scheme = scheme_of(url)
        if scheme not in _WEB_SCHEMES:
            problem = f"scheme '{bounded(scheme, 40)}:'" if scheme else "no scheme"
            yield Hit(field.pointer,
                      f"URL has {problem}; only absolute http(s) URLs can be checked: {bounded_url(url)}")


@rule("seed/url-malformed", Severity.ERROR,
      "URLs (http, https) must parse: an IP address in brackets, a port in 0-65535, a host that Unicode "
      "normalisation leaves as it is", supersedes=_URL_RULES)
def url_malformed(subject: Subject, ctx: RuleContext) -> Iterator[Hit]:
    for field in subject.urls:
        url = field.url.strip()
        problem = malformation(url) if scheme_of(url) in _WEB_SCHEMES else None
        if problem is not None:
            yield Hit(field.pointer, f"URL is malformed, {bounded(problem)}: {bounded_url(url)}")


@rule("seed/url-no-host", Severity.ERROR, "URLs (http, https) must name a host", supersedes=_URL_RULES)
def url_no_host(subject: Subject, ctx: RuleContext) -> Iterator[Hit]:
    for field in subject.urls:
        url = field.url.strip()
        if scheme_of(url) in _WEB_SCHEMES and malformation(url) is None and not host_of(url):
            yield Hit(field.pointer, f"URL has no host (nothing between '//' and the path): {bounded_url(url)}")


@rule("seed/url-mojibake", Severity.ERROR,
      "URLs must not contain UTF-8 text decoded as Latin-1/CP1252 (e.g. 'â€“')", supersedes=_URL_RULES)
def url_mojibake(subject: Subject, ctx: RuleContext) -> Iterator[Hit]:
    for field in subject.urls:
        repaired = repair_mojibake(field.url)
        if repaired is not None:
            yield Hit(field.pointer,
                      f"URL contains mojibake (UTF-8 read as CP1252); did you mean {bounded_url(repaired)}?")


@rule("seed/url-non-ascii", Severity.WARNING,
      "URLs should be written percent-encoded (non-ASCII IRIs work, but not everywhere)",
      supersedes=_URL_RULES)
def url_non_ascii(subject: Subject, ctx: RuleContext) -> Iterator[Hit]:
    for field in subject.urls:
        url = field.url.strip()
        if (not url.isascii() and repair_mojibake(url) is None and not _WHITESPACE.search(url)
                and malformation(url) is None):
            yield Hit(field.pointer, f"URL has non-ASCII characters; write it as {bounded_url(iri_to_uri(url))}")


@rule("seed/url-credentials", Severity.WARNING,
      "URLs must not carry credentials (user information before the host): the record publishes them")
def url_credentials(subject: Subject, ctx: RuleContext) -> Iterator[Hit]:
    for field in subject.urls:
        if has_userinfo(field.url):
            yield Hit(field.pointer, "URL carries credentials (user information before '@'): anyone who reads the "
                                     "record can use them; remove them (they are never sent when checking, and "
                                     "reports show them as ***)")


@rule("seed/null-topic", Severity.WARNING, "topics should not have empty items")
def null_topic(subject: Subject, ctx: RuleContext) -> Iterator[Hit]:
    topics = subject.record.get("topics")
    if isinstance(topics, list):
        for index, topic in enumerate(topics):
            if topic is None:
                yield Hit(f"/topics/{index}", "empty topic item ('- ' with nothing after it); remove it")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
