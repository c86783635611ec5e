"""The soft-404 and catch-all probe: once per (origin, section), how the origin answers a made-up sibling of a
URL there (a path that cannot exist); and, when that answer is a page with enough text to tell pages
apart, whether the origin's root gets the same page (one shell for every path, as a single-page site serves).

Its answer only refines a page's verdict (classify: a redirect to where missing paths also go, a page
indistinguishable from the made-up sibling's). It never decides one alone: it has its own short deadline,
outside the page's, and a probe that fails, hangs or breaks leaves the pages judged without it (a host that
hung on one is not probed again; a root that cannot be fetched leaves the page comparison out). It is a
request like any other to its host: each hop takes that host's politeness slot and turn, and the wait for
them is not counted against its deadline.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from ..config import LinkSettings
from ..models import LinkKind
from ..urls import origin_of
from .attempt import Fetched
from .classify import MIN_TEXT, SectionProbe
from .client import Connections
from .fetch import fetch
from .politeness import Politeness
from .probe import TextPrint, charset_of, is_html, page_facts, text_print

# The probe's own deadline (or the host's timeout, when shorter): a baseline, not worth a page's wait.
PROBE_TIMEOUT = 5.0
_NAMED = 5  # hosts named in the note
_EXTENSIONS = (".html", ".htm", ".shtml", ".php", ".asp", ".aspx", ".jsp", ".cms")


@dataclass(frozen=True, slots=True)
class _Page:
    title: str
    text: TextPrint


def section_of(url: str) -> str:
    """The section a URL sits in: its first path segment ('/news/'), or '/' for a path of one segment."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return f"/{segments[0]}/" if len(segments) > 1 else "/"


def section_key(url: str) -> str:
    """The section a URL sits in, on its origin ('https://news.example/world/'): URLs sharing it share the
    made-up sibling's answer, and a wall stands in front of all of them (verdicts.py); '' for a URL that
    does not split (it is in no section)."""
    try:
        return origin_of(url) + section_of(url)
    except ValueError:
        return ""


def probe_key(url: str) -> tuple[str, str, str]:
    """What a probe answers for: (origin, section, extension kept by the made-up sibling). Whichever URL of
    a section asks first, the made-up sibling is the same one (up to its random token)."""
    return origin_of(url), section_of(url), _extension(url)


def _extension(url: str) -> str:
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    return next((e for e in _EXTENSIONS if last.lower().endswith(e)), "")


def made_up_sibling(url: str, token: str) -> str:
    """A URL in the section of `url` that cannot exist: the section and `seed-validator-<token>` (keeping an
    extension such as .html, which routers often key on), no query. Nothing else of the URL is kept: a
    segment that identifies the article (`/news/12345/any-slug`) would get the article itself."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"{section_of(url)}seed-validator-{token}{_extension(url)}",
                       "", ""))


class SoftNotFoundProbes:
    def __init__(self, links: LinkSettings, politeness: Politeness, connections: Connections) -> None:
        self._links = links
        self._politeness = politeness
        self._connections = connections
        self._probes: dict[tuple[str, str, str], asyncio.Task[SectionProbe | None]] = {}
        self._roots: dict[str, asyncio.Task[_Page | None]] = {}
        self._unanswered: set[str] = set()
        self._first_over: dict[str, asyncio.Event] = {}  # a host's first probe is over

    def wanted(self, kind: LinkKind, fetched: Fetched, host: str) -> bool:
        """Only pages answering 2xx are compared with the baseline, on hosts where the probe is on
        (`soft-404-probe`, `--no-soft-404-probe`, or the host's own `[hosts."NAME"] soft-404-probe`)."""
        return (self._politeness.policy(host).soft_404_probe and kind in (LinkKind.PAGE, LinkKind.EMBED)
                and fetched.failure is None and 200 <= (fetched.status or 0) < 300)

    async def baseline(self, host: str, url: str) -> SectionProbe | None:
        """The baseline of the URL's section on its origin (probe_key), probed the first time it is asked
        for, shared after that."""
        key = probe_key(url)
        probe = self._probes.get(key)
        if probe is None:
            probe = self._probes[key] = asyncio.ensure_future(self._probe(host, url, key[1]))
        return await asyncio.shield(probe)  # one page's cancellation does not cancel it for the others

    async def _probe(self, host: str, url: str, section: str) -> SectionProbe | None:
        seen = await self._get(host, made_up_sibling(url, secrets.token_hex(8)))
        if seen is None or seen.failure is not None:
            return None
        final_url = seen.final_url if seen.hops else None
        charset = charset_of(seen.headers.get("content-type", ""))
        title = page_facts(seen.body, charset).title
        if not 200 <= (seen.status or 0) < 300 or not is_html(seen.headers.get("content-type", "")):
            return SectionProbe(seen.status, final_url, title, section=section)
        text = text_print(seen.body, charset)
        shell = False
        if text.length >= MIN_TEXT:  # only then can a page like it be soft-dead: worth asking the root
            root = await self._root(host, url)
            if root is None:  # the root unknown (slow, failing): a one-shell site cannot be ruled out, and a
                return SectionProbe(seen.status, final_url, title, section=section)  # page like it is no proof
            shell = (root.title, root.text) == (title, text)
        return SectionProbe(seen.status, final_url, title, text, shell=shell, section=section)

    async def _root(self, host: str, url: str) -> _Page | None:
        """The origin's root page (asked once per origin, only when a made-up URL got a page)."""
        origin = origin_of(url)
        task = self._roots.get(origin)
        if task is None:
            parts = urlsplit(url)
            task = self._roots[origin] = asyncio.ensure_future(
                self._page(host, urlunsplit((parts.scheme, parts.netloc, "/", "", ""))))
        return await asyncio.shield(task)

    async def _page(self, host: str, url: str) -> _Page | None:
        seen = await self._get(host, url)
        if seen is None or seen.failure is not None or not 200 <= (seen.status or 0) < 300:
            return None
        charset = charset_of(seen.headers.get("content-type", ""))
        return _Page(page_facts(seen.body, charset).title, text_print(seen.body, charset))

    async def _get(self, host: str, url: str) -> Fetched | None:
        """One probe request under its own deadline; None when it got no answer in time or broke. A host's first
        probe goes alone, the others once it is over: if it hung, they are not sent."""
        first = self._first_over.get(host)
        if first is None:
            self._first_over[host] = first = asyncio.Event()
            try:
                return await self._get_now(host, url)
            finally:
                first.set()
        await first.wait()
        if host in self._unanswered:  # it hung on a probe already: its other sections are judged without one
            return None
        return await self._get_now(host, url)

    async def _get_now(self, host: str, url: str) -> Fetched | None:
        deadline = min(self._politeness.policy(host).timeout, PROBE_TIMEOUT)
        getter = self._connections.getter()  # its own connection: it may outlive the page that asked
        try:
            async with asyncio.timeout(deadline) as timer:
                return await fetch(getter, url, max_redirects=self._links.max_redirects,
                                   max_body=self._links.max_body_bytes, gate=self._politeness.gate(timer))
        except TimeoutError:
            self._unanswered.add(host)
            return None
        except Exception:  # whatever breaks the probe, the pages are judged without it
            return None
        finally:
            await getter.aclose()

    def notes(self) -> list[str]:
        if not self._unanswered:
            return []
        named = sorted(self._unanswered)
        hosts = ", ".join(named[:_NAMED]) + (", …" if len(named) > _NAMED else "")
        return [f"the soft-404 probe got no answer within its deadline (at most {PROBE_TIMEOUT:g} s) from "
                f"{len(named)} host(s) ({hosts}): their pages were judged without it"]

    async def aclose(self) -> None:
        """Stop probes still running (an interrupted run)."""
        tasks = [*self._probes.values(), *self._roots.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
