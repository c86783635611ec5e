"""Pure: what one attempt saw → a verdict. No I/O is imported here (the attempt is plain data, attempt.py)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..models import ImageSpec, LinkKind, LinkStatus
from ..urls import host_of, normalise, registrable_domain
from .attempt import Failure, Fetched
from .probe import TextPrint, charset_of, is_html, page_facts, says_not_found, sniff_image, text_print
from .retry import is_retried

PERMANENT_REDIRECTS = frozenset({301, 308})
_BLOCKING_CODES = frozenset({401, 403, 999})
_CHALLENGE_HEADERS = ("cf-mitigated", "cf-chl-bypass", "x-datadome", "x-px-block")
_CHALLENGE_BODY = re.compile(
    rb"cf-chl|challenge-platform|just a moment\.\.\.|attention required|captcha|px-captcha|datadome|"
    rb"access denied|request unsuccessful\. incapsula",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Expectation:
    """What the record says the URL serves."""

    kind: LinkKind
    image: ImageSpec | None = None
    canonical_candidates: frozenset[str] = frozenset()
    accept: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Verdict:
    status: LinkStatus
    reason: str
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    like_made_up: bool = False  # the answer a made-up URL in its section gets (verdicts.py: walls)

    @classmethod
    def internal_error(cls, exc: Exception) -> Verdict:
        """An exception the checker did not expect while checking one URL: that link is `error`, naming it."""
        text = str(exc)
        shown = text if len(text) <= 200 else text[:200] + "…"
        return cls(LinkStatus.ERROR, f"internal error while checking this URL ({type(exc).__name__}: {shown!r}); "
                                     "not a verdict on the link, please report it")


@dataclass(frozen=True, slots=True)
class SectionProbe:
    """How a host answers a made-up sibling in a URL's section (a path that cannot exist): the baseline that
    tells a soft 404 or a catch-all page from a real one."""

    status: int | None
    final_url: str | None          # where its redirects ended, when it was redirected
    title: str
    text: TextPrint | None = None  # its visible text, when it answered 2xx
    shell: bool = False            # the host's root answers with that same page: one page for every path
    section: str = "/"             # the section probed ('/news/')


UNKNOWN_HOST = "unknown host (NXDOMAIN): "  # an unknown host's reason starts so (verdicts.py may drop it)
_SAME_PAGE = "this host answers 200 with the same title for paths that do not exist"
_WALL = re.compile(  # where a wall sends every article: a login, a subscription, a consent page
    r"log-?in|sign-?in|sign-?up|subscri|register|account|consent|paywall|gdpr|cookie|premium|membership|/join|"
    r"/auth|/sso", re.IGNORECASE)

# Below this much visible text (after numbers and ids are dropped) two pages are too bare to tell apart.
MIN_TEXT = 200


def classify(fetched: Fetched, expect: Expectation, *, attempts: int = 1, probe: SectionProbe | None = None,
             ) -> Verdict:
    if fetched.failure is not None:
        return _verdict(fetched, *_failure_verdict(fetched.failure, fetched.detail, attempts))

    status = fetched.status or 0
    trail = f" after redirects to {fetched.final_url}" if fetched.hops else ""
    if status in expect.accept:
        return _verdict(fetched, LinkStatus.OK, f"HTTP {status} (accepted by configuration){trail}")
    if status in (404, 410):
        if expect.kind is LinkKind.AMP_CACHE and not fetched.hops:
            return _verdict(fetched, LinkStatus.DEAD, f"HTTP {status}: the AMP cache has no copy of this page "
                                            "(the cache also answers 404 when the origin fails)")
        return _verdict(fetched, LinkStatus.DEAD, f"HTTP {status}{trail}")
    if status in _BLOCKING_CODES or status == 429:
        return _verdict(fetched, LinkStatus.BLOCKED, _blocked_reason(fetched, attempts))
    if 500 <= status < 600:
        return _verdict(fetched, LinkStatus.ERROR, f"HTTP {status}{trail}{_after(attempts)}")
    if not 200 <= status < 300:
        return _verdict(fetched, LinkStatus.ERROR, f"HTTP {status}{trail}: not a verdict the checker can give")
    return _content_verdict(fetched, expect, probe)


def _verdict(fetched: Fetched, status: LinkStatus, reason: str, warnings: tuple[str, ...] = (), *,
             like_made_up: bool = False) -> Verdict:
    """A verdict carrying what the attempt saw: last HTTP status, where redirects ended, the chain."""
    chain = tuple(hop.url for hop in fetched.hops[1:])
    if fetched.hops and fetched.final_url:
        chain += (fetched.final_url,)
    final_url = fetched.final_url if fetched.hops else None
    return Verdict(status, reason, fetched.status, final_url, chain, warnings, like_made_up)


def _failure_verdict(failure: Failure, detail: str, attempts: int) -> tuple[LinkStatus, str]:
    if failure is Failure.BLOCKED_ADDRESS:
        return LinkStatus.SKIPPED, detail
    if failure is Failure.UNSUPPORTED_SCHEME:
        return LinkStatus.SKIPPED, f"not an http(s) URL: {detail}"
    if failure is Failure.DNS_NXDOMAIN:
        return LinkStatus.DEAD, f"{UNKNOWN_HOST}{detail}"
    if is_retried(failure):
        return LinkStatus.ERROR, f"{detail}{_after(attempts)}"
    return LinkStatus.ERROR, detail


def _after(attempts: int) -> str:
    return f" (after {attempts} attempts)" if attempts > 1 else ""


def _blocked_reason(fetched: Fetched, attempts: int) -> str:
    status = fetched.status
    if status == 429:
        return f"HTTP 429: rate limited{_after(attempts)}; not known dead"
    signs = [name for name in _CHALLENGE_HEADERS if name in fetched.headers]
    body_sign = _CHALLENGE_BODY.search(fetched.body)
    if body_sign:
        signs.append(body_sign.group(0).decode("ascii", "replace").lower())
    what = "bot challenge" if signs else "the server refused the checker"
    detail = f" ({', '.join(signs)})" if signs else ""
    return f"HTTP {status}: {what}{detail}; not known dead"


def _content_verdict(fetched: Fetched, expect: Expectation, probe: SectionProbe | None) -> Verdict:
    final_url = fetched.final_url or fetched.url
    permanent = any(hop.status in PERMANENT_REDIRECTS for hop in fetched.hops)
    content_type = fetched.headers.get("content-type", "").split(";")[0].strip().lower()
    warnings: list[str] = []

    if expect.kind is LinkKind.IMAGE:
        problem = _image_problem(fetched, content_type, expect.image)
        if problem:
            return _verdict(fetched, *problem)
    elif expect.kind is LinkKind.AMP_CACHE and fetched.hops and host_of(final_url) != host_of(fetched.url):
        return _verdict(fetched, LinkStatus.MISMATCH,
                        f"the AMP cache redirects to {final_url}: it does not serve this page as valid AMP")
    else:
        verdict = _page_verdict(fetched, expect, probe, final_url, warnings)
        if verdict is not None:
            return verdict

    via = f" via redirects to {final_url}" if fetched.hops else ""
    like = bool(warnings) and warnings[0].startswith(_SAME_PAGE)  # the page could not be told from a missing one
    if permanent:
        return _verdict(fetched, LinkStatus.REDIRECTED, f"moved permanently to {final_url}", tuple(warnings),
                        like_made_up=like)
    return _verdict(fetched, LinkStatus.OK, f"HTTP {fetched.status}{via}", tuple(warnings), like_made_up=like)


def _page_verdict(fetched: Fetched, expect: Expectation, probe: SectionProbe | None, final_url: str,
                  warnings: list[str]) -> Verdict | None:
    """A page's soft-dead and AMP verdicts, or None when it is what it claims (warnings added)."""
    if fetched.hops and is_home_or_section(fetched.url, final_url):
        front = "section page" if [p for p in urlsplit(final_url).path.split("/") if p] else "front page"
        return _verdict(fetched, LinkStatus.SOFT_DEAD, f"redirects to the site's {front} {final_url}")
    if fetched.hops and _lands_like_a_missing_page(fetched.url, final_url, probe):
        if _WALL.search(urlsplit(final_url).path):
            return _verdict(fetched, LinkStatus.BLOCKED, (
                f"redirects to {final_url}, a login, subscription or consent page where a made-up URL in this "
                "section goes too: whether the article exists cannot be told; not known dead"), like_made_up=True)
        return _verdict(fetched, LinkStatus.SOFT_DEAD,
                        f"redirects to {final_url}, where this host also sends paths that do not exist",
                        like_made_up=True)
    charset = charset_of(fetched.headers.get("content-type", ""))
    facts = page_facts(fetched.body, charset)
    not_found = says_not_found(facts)
    if not_found:
        return _verdict(fetched, LinkStatus.SOFT_DEAD, f"HTTP {fetched.status} but the page says '{not_found[:80]}'")
    if probe is not None and _like_the_made_up_page(fetched, facts.title, charset, probe):
        assert probe.text is not None
        if probe.shell or expect.kind is not LinkKind.PAGE or not _deep(fetched.url) or probe.text.length < MIN_TEXT:
            # One page for any path (a single-page site), a short path, or too little text: the page cannot
            # be told from a missing one, but nor is that proof: only a warning.
            where = ", its root included (one page for every path, as a single-page site serves)" if probe.shell \
                else f" (a made-up URL in {probe.section} gets the same page)"
            warnings.insert(0, f"{_SAME_PAGE}{where}; the page could not be told from a missing one")
        else:
            via = f"redirects to {final_url}, " if fetched.hops else ""
            return _verdict(fetched, LinkStatus.SOFT_DEAD,
                            f"{via}a catch-all page: a made-up URL in {probe.section} gets the same page (title "
                            f"'{facts.title[:80]}', same text); the article is no longer there", like_made_up=True)
    if expect.kind in (LinkKind.AMP, LinkKind.AMP_CACHE):
        if not facts.is_amp:
            return _verdict(fetched, LinkStatus.MISMATCH, "not an AMP page: no ⚡ or amp attribute on <html>")
        if expect.kind is LinkKind.AMP:
            warnings.extend(_canonical_warning(facts.canonical, final_url, expect.canonical_candidates))
    return None


def _like_the_made_up_page(fetched: Fetched, title: str, charset: str | None, probe: SectionProbe) -> bool:
    """The page is what a made-up URL in its section gets: same title, same visible text (numbers and ids
    aside). Not when the made-up URL was sent to this very page (then it is a real destination), and not
    when the made-up URL got a page of its own (sites whose every id gets a page of that id)."""
    if probe.text is None or not 200 <= (probe.status or 0) < 300 or title != probe.title:
        return False
    if not is_html(fetched.headers.get("content-type", "")):
        return False  # an image or a file has no page text to compare (a placeholder image is not a page)
    if probe.final_url is not None and normalise(probe.final_url) == normalise(fetched.final_url or fetched.url):
        return False
    return text_print(fetched.body, charset) == probe.text


def _deep(url: str) -> bool:
    """An article's URL, not a site's or a section's front: at least two path segments, a section that is a
    name (with a digit it may be the article's id or a date, which the made-up URL then shares) and a last
    segment that is not an index page."""
    segments = [segment for segment in urlsplit(url).path.split("/") if segment]
    return (len(segments) >= 2 and not any(c.isdigit() for c in segments[0])
            and segments[-1].lower().split(".")[0] not in _INDEX_PAGES)


_INDEX_PAGES = frozenset({"index", "default", "home", "main"})


def _lands_like_a_missing_page(url: str, final_url: str, probe: SectionProbe | None) -> bool:
    """The redirect ends where a path that cannot exist also ends, on the same site, and does not carry
    the original path along (a consent or login wall does, and proves nothing). Not when both end inside a
    section that may be an id (`/12345/`): the made-up URL there may have reached the article itself."""
    if probe is None or probe.final_url is None or probe.final_url != final_url:
        return False
    path = urlsplit(url).path
    same_site = _registrable(host_of(url)) == _registrable(host_of(final_url))
    maybe_an_id = any(c.isdigit() for c in probe.section) and urlsplit(final_url).path.startswith(probe.section)
    return same_site and not maybe_an_id and (len(path) <= 1 or path not in final_url)


# Formats whose header holds the pixel size where this checker reads it.
_SIZED_FORMATS = frozenset({"png", "gif", "jpeg", "webp", "bmp"})


def _image_problem(fetched: Fetched, content_type: str, declared: ImageSpec | None,
                   ) -> tuple[LinkStatus, str] | None:
    facts = sniff_image(fetched.body)
    if not content_type.startswith("image/"):
        served = content_type or "no Content-Type"
        return LinkStatus.MISMATCH, f"serves {served}, not an image" + (
            f" (the bytes are {facts.format})" if facts else "")
    if facts is None:
        return LinkStatus.MISMATCH, f"Content-Type is {content_type} but the bytes are not an image"
    if declared is None or declared.width is None or declared.height is None:
        return None
    if facts.width is None or facts.height is None:
        if facts.format not in _SIZED_FORMATS:
            return None  # a format whose header this reader cannot size (svg, avif...): nothing to compare
        # The size may well be right: not a verdict on the image, so `error` (could not be verified), never ok.
        claim = f"declared {declared.width}x{declared.height} not verified"
        if fetched.body_truncated:
            return LinkStatus.ERROR, (f"could not find the image size in the first {len(fetched.body):,} bytes "
                                      f"(the read limit); {claim}")
        return LinkStatus.ERROR, f"the {facts.format} header holds no size this checker can read; {claim}"
    if (facts.width, facts.height) != (declared.width, declared.height):
        return LinkStatus.MISMATCH, (f"declared {declared.width}x{declared.height}, served {facts.format} is "
                                     f"{facts.width}x{facts.height}")
    return None


def _canonical_warning(canonical: str | None, final_url: str, candidates: Collection[str]) -> list[str]:
    if not candidates:
        return []
    if canonical is None:
        return ["the AMP page has no <link rel=canonical>"]
    absolute = normalise(urljoin(final_url, canonical))
    if absolute in {normalise(c) for c in candidates}:
        return []
    return [f"the AMP page's canonical is {canonical}, not the record's URL"]


def is_home_or_section(original: str, final: str) -> bool:
    """A deep URL redirected to its site's root, or to a section front that is a prefix of its path."""
    source, target = urlsplit(original), urlsplit(final)
    source_parts = [p for p in source.path.split("/") if p]
    target_parts = [p for p in target.path.split("/") if p]
    if len(source_parts) < 2 and not (len(source_parts) == 1 and not target_parts):
        return False
    if _registrable(source.hostname) != _registrable(target.hostname):
        return False
    if not target_parts:
        return not target.query
    return len(target_parts) == 1 and source_parts[:1] == target_parts and len(source_parts) > 1


def _registrable(host: str | None) -> str:
    return registrable_domain(host) if host else ""
