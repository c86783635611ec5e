"""Host politeness (check/politeness.py): one acquire/release for every request, keyed by host."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from tests.linkcheck import Sleeps, entry, html, run_links, verdict
from validator import config
from validator.check.attempt import Failure, Fetched, Hop
from validator.check.politeness import HostPolicy, Politeness, host_policy
from validator.models import LinkStatus

LINKS = config.LinkSettings()


def test_overrides_replace_only_what_they_set() -> None:
    links = config.LinkSettings(per_host=2, host_interval=0.0, timeout=20.0,
                                hosts={"slow.example": config.HostOverride(per_host=1, timeout=60.0)})
    assert host_policy(links, "slow.example") == HostPolicy(per_host=1, interval=0.0, timeout=60.0)
    assert host_policy(links, "other.example") == HostPolicy(per_host=2, interval=0.0, timeout=20.0)


def test_the_per_host_limit_holds_for_every_request_and_hosts_do_not_share_it() -> None:
    politeness = Politeness(config.LinkSettings(per_host=2, concurrency=64), sleep=Sleeps())
    in_flight: dict[str, int] = {"a": 0, "b": 0}
    most: dict[str, int] = {"a": 0, "b": 0}

    async def request(host: str) -> None:
        async with politeness.request(host):
            in_flight[host] += 1
            most[host] = max(most[host], in_flight[host])
            await asyncio.sleep(0.001)
            in_flight[host] -= 1

    async def main() -> None:
        await asyncio.gather(*(request(host) for host in "ab" * 10))

    asyncio.run(main())
    assert most == {"a": 2, "b": 2}


def test_the_run_wide_limit_holds_across_hosts() -> None:
    politeness = Politeness(config.LinkSettings(per_host=4, concurrency=3), sleep=Sleeps())
    state = {"now": 0, "most": 0}

    async def request(host: str) -> None:
        async with politeness.request(host):
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
            await asyncio.sleep(0.001)
            state["now"] -= 1

    async def main() -> None:
        await asyncio.gather(*(request(f"h{i % 5}") for i in range(30)))

    asyncio.run(main())
    assert state["most"] == 3


def test_a_cancelled_wait_gives_its_slots_back() -> None:
    links = config.LinkSettings(per_host=1, concurrency=1,
                                hosts={"paced.example": config.HostOverride(host_interval=10)})
    politeness = Politeness(links, sleep=asyncio.sleep)

    async def cancelled(waiting: asyncio.Future[object]) -> None:
        await asyncio.sleep(0.01)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    async def free(host: str) -> bool:
        try:
            async with asyncio.timeout(1):
                politeness.release(await politeness.acquire(host))
        except TimeoutError:
            return False
        return True

    async def main() -> list[bool]:
        # cancelled while waiting for the run-wide slot (holding the host's)
        held = await politeness.acquire("busy.example")
        await cancelled(asyncio.ensure_future(politeness.acquire("a.example")))
        politeness.release(held)
        host_slot_back = await free("a.example")
        # cancelled while waiting for the host's turn (holding both)
        politeness.release(await politeness.acquire("paced.example"))  # the next turn is 10 s away
        await cancelled(asyncio.ensure_future(politeness.acquire("paced.example")))
        run_slot_back = await free("b.example")
        return [host_slot_back, run_slot_back]

    assert asyncio.run(main()) == [True, True]


def test_a_host_failing_connections_in_a_row_is_refused_until_it_connects() -> None:
    politeness = Politeness(config.LinkSettings(host_failure_limit=2), sleep=Sleeps())
    refused = Fetched("https://down.example/a", failure=Failure.CONNECT_REFUSED, detail="connection refused")
    politeness.record("down.example", refused)
    assert politeness.refusal("https://down.example/b") is None
    politeness.record("down.example", refused)
    assert politeness.refusal("https://down.example/b") == (
        "not checked: https://down.example failed 2 connections in a row (last: connection refused)")
    politeness.record("down.example", Fetched("https://down.example/c", status=200, connected=True))
    assert politeness.refusal("https://down.example/b") is None


def test_the_facts_for_the_post_pass() -> None:
    politeness = Politeness(LINKS, sleep=Sleeps())

    async def touch(host: str) -> None:
        async with politeness.request(host):
            pass

    async def main() -> None:
        for host in ("up.example", "gone.example", "nowhere.example"):
            await touch(host)

    asyncio.run(main())
    politeness.record("up.example", Fetched("u", status=200, connected=True))
    politeness.record("gone.example", Fetched("u", failure=Failure.DNS_NXDOMAIN))
    politeness.record("nowhere.example", Fetched("u", failure=Failure.NO_ROUTE))
    facts = politeness.facts()
    assert facts.attempted == {"up.example", "gone.example", "nowhere.example"}
    assert facts.connected == {"up.example"}
    assert facts.network_failed == {"gone.example", "nowhere.example"}
    # a lookup failed for gone.example only: nowhere.example's name resolved (routing failed after it)
    assert facts.names_unresolved == {"gone.example"}
    assert facts.names_resolved == {"up.example", "nowhere.example"}


def test_the_soft_404_probe_waits_its_turn_like_any_request() -> None:
    router = respx.MockRouter(assert_all_called=False)
    router.route(host="news.example", path__startswith="/a/").respond(200, html=html())
    router.route().respond(404)
    sleeps = Sleeps()
    urls = ["https://news.example/a/1", "https://news.example/a/2"]
    result = run_links([entry(u) for u in urls], transport=httpx.MockTransport(router.async_handler),
                       sleeps=sleeps, per_host=1, host_interval=0.5)
    assert [verdict(result, u).status for u in urls] == [LinkStatus.OK, LinkStatus.OK]
    probes = [call for call in router.calls if "/seed-validator-" in call.request.url.path]
    assert len(probes) == 1
    # three requests on the host (page, probe, page): the two after the first each waited for a turn
    assert len(sleeps.delays) == 2 and all(d > 0.4 for d in sleeps.delays)


def test_the_per_host_limit_holds_for_retries_and_the_probe() -> None:
    in_flight = {"now": 0, "most": 0}
    calls: dict[str, int] = {}

    async def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        calls[path] = calls.get(path, 0) + 1
        in_flight["now"] += 1
        in_flight["most"] = max(in_flight["most"], in_flight["now"])
        await asyncio.sleep(0.002)
        in_flight["now"] -= 1
        if "/seed-validator-" in path:
            return httpx.Response(404)
        busy = path.endswith(("/1", "/3")) and calls[path] == 1  # these answer 503 once, then 200
        return httpx.Response(503, html="busy") if busy else httpx.Response(200, html=html())

    urls = [f"https://news.example/a/{i}" for i in range(8)]
    result = run_links([entry(u) for u in urls], transport=httpx.MockTransport(handler), per_host=2)
    assert all(verdict(result, u).status is LinkStatus.OK for u in urls)
    assert [verdict(result, u).attempts for u in urls] == [1, 2, 1, 2, 1, 1, 1, 1]
    assert sum(1 for path in calls if "/seed-validator-" in path) == 1
    assert in_flight["most"] == 2


def test_a_redirect_hop_to_another_host_takes_that_host_s_slot() -> None:
    in_flight: dict[str, int] = {}
    most: dict[str, int] = {}

    async def handler(request: httpx.Request) -> httpx.Response:
        host, path = request.url.host, request.url.path
        in_flight[host] = in_flight.get(host, 0) + 1
        most[host] = max(most.get(host, 0), in_flight[host])
        await asyncio.sleep(0.002)
        in_flight[host] -= 1
        if host == "a.example" and path.startswith("/moved/"):  # a.example sends its stories to b.example
            return httpx.Response(302, headers={"Location": f"https://b.example/story/{path.rsplit('/', 1)[1]}"})
        return httpx.Response(200, html=html())

    urls = [f"https://a.example/moved/{i}" for i in range(6)] + [f"https://b.example/own/{i}" for i in range(6)]
    result = run_links([entry(u) for u in urls], transport=httpx.MockTransport(handler), per_host=1,
                       soft_404_probe=False)
    assert all(verdict(result, u).status is LinkStatus.OK for u in urls)
    assert most == {"a.example": 1, "b.example": 1}  # b.example's own worker and a.example's hops took turns


def test_the_wait_for_a_slot_is_not_counted_against_the_deadline() -> None:
    politeness = Politeness(config.LinkSettings(per_host=1, concurrency=64), sleep=Sleeps())

    async def main() -> tuple[float, bool]:
        held = await politeness.acquire("busy.example")
        release = asyncio.get_running_loop().call_later(0.3, politeness.release, held)
        try:
            async with asyncio.timeout(0.1) as timer:  # shorter than the wait for the slot
                gate = politeness.gate(timer)
                async with gate("https://busy.example/x"):
                    pass
        finally:
            release.cancel()
        return gate.waited, timer.expired()

    waited, expired = asyncio.run(main())
    assert waited >= 0.25 and not expired


def test_where_a_redirect_failed_is_recorded_against_the_host_it_went_to() -> None:
    politeness = Politeness(LINKS, sleep=Sleeps())
    hop = Fetched("https://a.example/x", hops=[Hop("https://a.example/x", 302)], final_url="https://gone.example/",
                  failure=Failure.DNS_NXDOMAIN, detail="cannot resolve gone.example", connected=True)
    politeness.record("a.example", hop)
    facts = politeness.facts()
    assert facts.connected == {"a.example"} and facts.network_failed == {"gone.example"}
    assert facts.names_resolved == {"a.example"} and facts.names_unresolved == {"gone.example"}


def test_addresses_and_allow_listed_names_prove_nothing_about_name_resolution() -> None:
    politeness = Politeness(config.LinkSettings(allow_networks=("intranet.example", "10.0.0.0/8")), sleep=Sleeps())
    for host in ("127.0.0.1", "[::1]", "intranet.example"):
        politeness.record(host, Fetched(f"http://{host}/", status=200, connected=True))
    politeness.record("news.example", Fetched("https://news.example/", failure=Failure.DNS_ERROR))
    facts = politeness.facts()
    assert not facts.names_resolved and facts.names_unresolved == {"news.example"}


def test_names_that_resolved_only_locally_are_no_evidence_of_name_resolution() -> None:
    politeness = Politeness(config.LinkSettings(allow_private=True), sleep=Sleeps())
    politeness.record("localhost", Fetched("http://localhost/", status=200, connected=True))
    politeness.record("news.example", Fetched("https://news.example/", failure=Failure.DNS_NXDOMAIN))
    assert politeness.facts().names_resolved == {"localhost"}
    facts = politeness.facts(frozenset({"localhost"}))
    assert not facts.names_resolved and facts.names_unresolved == {"news.example"}
