"""Answers are judged apart from their fetching (check/judge.py): the judgments waiting, each holding its body,
stay bounded however many hosts keep their soft-404 baselines from coming."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.linkcheck import entry, run_links, verdict
from validator.check import judge
from validator.models import LinkStatus

HOSTS, PAGES, PER_HOST = 40, 30, 2


def test_judgments_waiting_for_slow_baselines_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """40 hosts whose made-up URLs never answer, 30 pages each of 64 KB: pages go on being fetched while their
    section's baseline is awaited, but never more than JUDGING_RUN_WIDE (plus one per worker) wait at once
    (each worker alone could hold JUDGING_AHEAD: 640 bodies here)."""
    most = 0
    add = judge.WorkerJudging.add

    def counting(self: judge.WorkerJudging, judgment: object) -> None:
        nonlocal most
        add(self, judgment)  # type: ignore[arg-type]
        most = max(most, self._run.waiting)

    monkeypatch.setattr(judge.WorkerJudging, "add", counting)
    never = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        if "/seed-validator-" in request.url.path:
            await never.wait()  # the probe's own deadline ends it
        body = f"<html><head><title>{request.url.path}</title></head><body>{'x' * 65536}</body></html>"
        return httpx.Response(200, content=body.encode(), headers={"Content-Type": "text/html"})

    urls = [f"https://h{h}.example/news/p{n}" for h in range(HOSTS) for n in range(PAGES)]
    result = run_links([entry(u) for u in urls], transport=httpx.MockTransport(handler), per_host=PER_HOST,
                       timeout=1.0)
    assert {verdict(result, u).status for u in urls} == {LinkStatus.OK}
    assert judge.JUDGING_RUN_WIDE < most <= judge.JUDGING_RUN_WIDE + HOSTS * PER_HOST
