"""The soft-404 probe: once per host, how it answers a sibling path that cannot exist.

Its answer only refines a page's verdict (classify: a redirect to where missing paths also go, a host
that answers 200 with one title for anything). It never decides one: it has its own short deadline,
outside the page's, and a probe that fails, hangs or breaks leaves the host's pages judged without it.
It is a request like any other to its host: it takes the host's politeness slot and turn.
"""

from __future__ import annotations

import asyncio
import secrets
from urllib.parse import urlsplit, urlunsplit

from ..config import LinkSettings
from ..models import LinkKind
from .attempt import Fetched
from .classify import HostProbe
from .client import Connections
from .fetch import fetch
from .politeness import Politeness
from .probe import page_facts

# The probe's own deadline (or the host's timeout, when shorter): a baseline, not worth a page's wait.
PROBE_TIMEOUT = 5.0
_NAMED = 5  # hosts named in the note


class SoftNotFoundProbes:
    def __init__(self, links: LinkSettings, politeness: Politeness, connections: Connections) -> None:
        self._links = links
        self._politeness = politeness
        self._connections = connections
        self._probes: dict[str, asyncio.Task[HostProbe | None]] = {}
        self._unanswered: list[str] = []

    def wanted(self, kind: LinkKind, fetched: Fetched) -> bool:
        """Only pages answering 2xx are compared with the baseline."""
        return (self._links.soft_404_probe and kind in (LinkKind.PAGE, LinkKind.EMBED)
                and fetched.failure is None and 200 <= (fetched.status or 0) < 300)

    async def baseline(self, host: str, url: str) -> HostProbe | None:
        """The host's baseline, probed next to `url` the first time it is asked for, shared after that."""
        probe = self._probes.get(host)
        if probe is None:
            probe = self._probes[host] = asyncio.ensure_future(self._probe(host, url))
        return await asyncio.shield(probe)  # one page's cancellation does not cancel it for the others

    async def _probe(self, host: str, url: str) -> HostProbe | None:
        parts = urlsplit(url)
        parent = parts.path.rsplit("/", 1)[0]
        sibling = urlunsplit((parts.scheme, parts.netloc, f"{parent}/seed-validator-{secrets.token_hex(8)}", "", ""))
        deadline = min(self._politeness.policy(host).timeout, PROBE_TIMEOUT)
        getter = self._connections.getter()  # its own connection: it may outlive the page that asked
        try:
            async with self._politeness.request(host):
                async with asyncio.timeout(deadline):
                    seen = await fetch(getter, sibling, max_redirects=self._links.max_redirects,
                                       max_body=self._links.max_body_bytes)
        except TimeoutError:
            self._unanswered.append(host)
            return None
        except Exception:  # whatever breaks the probe, the pages are judged without it
            return None
        finally:
            await getter.aclose()
        if seen.failure is not None:
            return None
        return HostProbe(seen.status, seen.final_url if seen.hops else None, page_facts(seen.body).title)

    def notes(self) -> list[str]:
        if not self._unanswered:
            return []
        hosts = ", ".join(sorted(self._unanswered)[:_NAMED]) + (", …" if len(self._unanswered) > _NAMED else "")
        return [f"the soft-404 probe got no answer within its deadline (at most {PROBE_TIMEOUT:g} s) from "
                f"{len(self._unanswered)} host(s) ({hosts}): their pages were judged without it"]

    async def aclose(self) -> None:
        """Stop probes still running (an interrupted run)."""
        for probe in self._probes.values():
            probe.cancel()
        await asyncio.gather(*self._probes.values(), return_exceptions=True)
