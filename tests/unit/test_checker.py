"""Every classification path and the retry policy, through respx (no network, no waiting)."""

from __future__ import annotations

import errno
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from tests.linkcheck import NOW, Sleeps, amp_page, entry, html, jpeg_header, png, run_links, verdict
from validator import config
from validator.check.guard import BlockedAddress, DnsFailure
from validator.check.runner import HttpChecker
from validator.models import LinkKind, LinkStatus, Progress, RunResult

A = "https://news.example/2021/04/story"


def transport(router: respx.MockRouter, failing: Mapping[str, BaseException] | None = None) -> httpx.MockTransport:
    """Routes as declared, then 404 for anything else (the soft-404 probe asks for paths that cannot exist).

    Hosts in `failing` fail to connect with that root cause, chained as httpx chains it (respx would
    replace the chain with its own SideEffectError).
    """
    router.route().respond(404)

    async def handler(request: httpx.Request) -> httpx.Response:
        cause = (failing or {}).get(request.url.host)
        if cause is not None:
            raise httpx.ConnectError("failed", request=request) from cause
        return await router.async_handler(request)

    return httpx.MockTransport(handler)


def check(router: respx.MockRouter, url: str = A, kind: LinkKind = LinkKind.PAGE, sleeps: Sleeps | None = None,
          **options: Any) -> tuple[LinkStatus, str, int]:
    result = run_links([entry(url, kind, **options.pop("entry_options", {}))],
                       transport=transport(router), sleeps=sleeps, **options)
    outcome = verdict(result, url)
    return outcome.status, outcome.reason, outcome.attempts


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(assert_all_called=False)


def test_200_is_ok_and_a_get_is_used_never_head(router: respx.MockRouter) -> None:
    route = router.get(A).respond(200, html=html())
    assert check(router) == (LinkStatus.OK, "HTTP 200", 1)
    assert route.call_count == 1
    assert route.calls[0].request.headers["user-agent"].startswith("seed-validator/")


@pytest.mark.parametrize("code", [404, 410])
def test_404_and_410_are_dead(router: respx.MockRouter, code: int) -> None:
    router.get(A).respond(code)
    assert check(router) == (LinkStatus.DEAD, f"HTTP {code}", 1)


def test_permanent_redirect_is_redirected_with_final_url(router: respx.MockRouter) -> None:
    router.get(A).respond(301, headers={"Location": "/2021/04/story-renamed"})
    router.get("https://news.example/2021/04/story-renamed").respond(200, html=html())
    result = run_links([entry(A)], transport=transport(router))
    outcome = verdict(result, A)
    assert (outcome.status, outcome.final_url) == (LinkStatus.REDIRECTED, "https://news.example/2021/04/story-renamed")
    assert outcome.redirects == ("https://news.example/2021/04/story-renamed",)
    assert outcome.http_status == 200


def test_temporary_redirect_is_ok(router: respx.MockRouter) -> None:
    router.get(A).respond(302, headers={"Location": "https://cdn.news.example/story"})
    router.get("https://cdn.news.example/story").respond(200, html=html())
    status, reason, _ = check(router)
    assert status is LinkStatus.OK and "via redirects to https://cdn.news.example/story" in reason


def test_redirect_chain_ending_in_404_is_dead(router: respx.MockRouter) -> None:
    router.get(A).respond(301, headers={"Location": "https://news.example/b"})
    router.get("https://news.example/b").respond(302, headers={"Location": "https://news.example/c"})
    router.get("https://news.example/c").respond(404)
    result = run_links([entry(A)], transport=transport(router))
    outcome = verdict(result, A)
    assert outcome.status is LinkStatus.DEAD and outcome.http_status == 404
    assert outcome.redirects == ("https://news.example/b", "https://news.example/c")


def test_redirect_loop_is_an_error_with_the_chain(router: respx.MockRouter) -> None:
    router.get(A).respond(302, headers={"Location": "https://news.example/b"})
    router.get("https://news.example/b").respond(302, headers={"Location": A})
    result = run_links([entry(A)], transport=transport(router))
    outcome = verdict(result, A)
    assert outcome.status is LinkStatus.ERROR and "redirect loop" in outcome.reason
    assert outcome.redirects == ("https://news.example/b", A)


def test_too_many_redirects_is_an_error(router: respx.MockRouter) -> None:
    for i in range(6):
        router.get(f"https://news.example/r{i}").respond(302, headers={"Location": f"/r{i + 1}"})
    status, reason, _ = check(router, "https://news.example/r0", max_redirects=3)
    assert status is LinkStatus.ERROR and reason == "more than 3 redirects"


@pytest.mark.parametrize("response, sign", [
    (httpx.Response(403, headers={"cf-mitigated": "challenge"}), "bot challenge (cf-mitigated)"),
    (httpx.Response(403, text="<title>Just a moment...</title>"), "bot challenge (just a moment...)"),
    (httpx.Response(403), "the server refused the checker"),
    (httpx.Response(401), "the server refused the checker"),
    (httpx.Response(999), "the server refused the checker"),
])
def test_bot_walls_are_blocked_never_dead(router: respx.MockRouter, response: httpx.Response, sign: str) -> None:
    router.get(A).mock(return_value=response)
    status, reason, attempts = check(router)
    assert status is LinkStatus.BLOCKED and sign in reason and attempts == 1


def test_429_honours_retry_after_then_succeeds(router: respx.MockRouter) -> None:
    router.get(A).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "3"}),
                                    httpx.Response(200, html=html())])
    sleeps = Sleeps()
    assert check(router, sleeps=sleeps) == (LinkStatus.OK, "HTTP 200", 2)
    assert sleeps.delays == [3.0]


def test_retry_after_is_capped_and_persistent_429_is_blocked(router: respx.MockRouter) -> None:
    router.get(A).respond(429, headers={"Retry-After": "3600"})
    sleeps = Sleeps()
    status, reason, attempts = check(router, sleeps=sleeps, retry_after_cap=5.0, timeout=60.0)
    assert (status, attempts) == (LinkStatus.BLOCKED, 3)
    assert "rate limited (after 3 attempts)" in reason
    assert sleeps.delays == [5.0, 5.0]


def test_5xx_is_retried_with_exponential_backoff_and_jitter(router: respx.MockRouter) -> None:
    router.get(A).mock(side_effect=[httpx.Response(503), httpx.Response(502), httpx.Response(200, html=html())])
    sleeps = Sleeps()
    assert check(router, sleeps=sleeps) == (LinkStatus.OK, "HTTP 200", 3)
    first, second = sleeps.delays
    assert 0.5 <= first < 1.0 and 1.0 <= second < 1.5


def test_persistent_5xx_is_an_error_not_dead(router: respx.MockRouter) -> None:
    router.get(A).respond(500)
    assert check(router, retries=1) == (LinkStatus.ERROR, "HTTP 500 (after 2 attempts)", 2)


def test_timeouts_and_resets_are_retried(router: respx.MockRouter) -> None:
    router.get(A).mock(side_effect=[httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("reset"),
                                    httpx.Response(200, html=html())])
    assert check(router)[::2] == (LinkStatus.OK, 3)


def test_connection_refused_is_not_retried(router: respx.MockRouter) -> None:
    router.get("https://other.example/").respond(200, html=html())
    result = run_links([entry(A), entry("https://other.example/")],
                       transport=transport(router, {"news.example": ConnectionRefusedError(111, "refused")}))
    outcome = verdict(result, A)
    assert (outcome.status, outcome.reason, outcome.attempts) == (LinkStatus.ERROR, "connection refused", 1)


def test_nxdomain_is_dead_when_other_hosts_answer(router: respx.MockRouter) -> None:
    router.get("https://other.example/").respond(200, html=html())
    nxdomain = DnsFailure("cannot resolve news.example", permanent=True)
    result = run_links([entry(A), entry("https://other.example/")],
                       transport=transport(router, {"news.example": nxdomain}))
    assert verdict(result, A).status is LinkStatus.DEAD
    assert "unknown host (NXDOMAIN)" in verdict(result, A).reason
    assert not result.inconclusive


def test_dns_failing_for_every_host_makes_the_run_inconclusive(router: respx.MockRouter) -> None:
    failing = {"news.example": DnsFailure("cannot resolve news.example", permanent=True),
               "other.example": DnsFailure("temporary failure in name resolution", permanent=False)}
    result = run_links([entry(A), entry("https://other.example/")], transport=transport(router, failing))
    assert result.inconclusive
    assert {verdict(result, u).status for u in result.links} == {LinkStatus.ERROR}
    assert "network looks unavailable" in result.notes[0]


def test_blocked_address_is_skipped(router: respx.MockRouter) -> None:
    blocked = BlockedAddress("news.example resolves to a non-public address")
    result = run_links([entry(A)], transport=transport(router, {"news.example": blocked}))
    status, reason = verdict(result, A).status, verdict(result, A).reason
    assert status is LinkStatus.SKIPPED and "non-public address" in reason


def test_host_failing_in_a_row_is_short_circuited(router: respx.MockRouter) -> None:
    urls = [f"https://down.example/{i}" for i in range(5)]
    result = run_links([entry(u) for u in urls], host_failure_limit=2, per_host=1,
                       transport=transport(router, {"down.example": ConnectionRefusedError(111, "refused")}))
    outcomes = [verdict(result, u) for u in urls]
    assert [o.attempts for o in outcomes] == [1, 1, 0, 0, 0]
    assert outcomes[-1].status is LinkStatus.ERROR
    assert "down.example failed 2 connections in a row (last: connection refused)" in outcomes[-1].reason


def test_redirect_of_a_deep_url_to_the_home_page_is_soft_dead(router: respx.MockRouter) -> None:
    router.get(A).respond(301, headers={"Location": "https://www.news.example/"})
    router.get("https://www.news.example/").respond(200, html=html("News"))
    status, reason, _ = check(router)
    assert status is LinkStatus.SOFT_DEAD and reason == "redirects to the site's front page https://www.news.example/"


def test_redirect_to_a_section_front_is_soft_dead(router: respx.MockRouter) -> None:
    router.get("https://news.example/politics/2021/story").respond(302, headers={"Location": "/politics/"})
    router.get("https://news.example/politics/").respond(200, html=html("Politics"))
    status, reason, _ = check(router, "https://news.example/politics/2021/story")
    assert status is LinkStatus.SOFT_DEAD
    assert reason == "redirects to the site's section page https://news.example/politics/"


def test_a_moved_article_is_not_soft_dead(router: respx.MockRouter) -> None:
    router.get(A).respond(301, headers={"Location": "https://news.example/story"})
    router.get("https://news.example/story").respond(200, html=html())
    assert check(router)[0] is LinkStatus.REDIRECTED


def test_200_page_that_says_not_found_is_soft_dead(router: respx.MockRouter) -> None:
    router.get(A).respond(200, html=html("Page not found | News", "Sorry"))
    status, reason, _ = check(router)
    assert status is LinkStatus.SOFT_DEAD and "Page not found | News" in reason


def test_an_article_about_something_not_found_is_ok(router: respx.MockRouter) -> None:
    router.get(A).respond(200, html=html("Missing hiker not found after three days"))
    assert check(router)[0] is LinkStatus.OK


def test_redirect_to_where_missing_paths_also_go_is_soft_dead(router: respx.MockRouter) -> None:
    # every missing path of the section goes to the search page (the probe asks for /2021/seed-validator-…)
    router.route(host="news.example", path__startswith="/2021/").respond(302, headers={"Location": "/search"})
    router.get("https://news.example/search").respond(200, html=html("Search"))
    status, reason, _ = check(router)
    assert status is LinkStatus.SOFT_DEAD and "also sends paths that do not exist" in reason


def test_a_consent_wall_that_carries_the_path_is_not_soft_dead(router: respx.MockRouter) -> None:
    wall = "https://news.example/consent?next=/2021/04/story"
    router.route(host="news.example", path__startswith="/2021/").respond(302, headers={"Location": wall})
    router.get(wall).respond(200, html=html("Your privacy"))
    assert check(router)[0] is LinkStatus.OK


def test_a_host_answering_200_for_anything_only_warns(router: respx.MockRouter) -> None:
    router.route(host="news.example").respond(200, html=html("News Site"))
    result = run_links([entry(A)], transport=transport(router))
    outcome = verdict(result, A)
    assert outcome.status is LinkStatus.OK
    assert "answers 200 with the same title for paths that do not exist" in outcome.warnings[0]


IMG = "https://img.example/a.png"


@pytest.mark.parametrize("response, status, reason", [
    (httpx.Response(200, content=png(480, 320), headers={"Content-Type": "image/png"}), LinkStatus.OK, "HTTP 200"),
    (httpx.Response(200, content=png(480, 270), headers={"Content-Type": "image/png"}), LinkStatus.MISMATCH,
     "declared 480x320, served png is 480x270"),
    (httpx.Response(200, html="<html>gone</html>"), LinkStatus.MISMATCH, "serves text/html, not an image"),
    (httpx.Response(200, content=b"<html>", headers={"Content-Type": "image/png"}), LinkStatus.MISMATCH,
     "Content-Type is image/png but the bytes are not an image"),
    (httpx.Response(200, content=jpeg_header(480, 320, exif=30000), headers={"Content-Type": "image/jpeg"}),
     LinkStatus.OK, "HTTP 200"),
    (httpx.Response(200, content=jpeg_header(800, 450), headers={"Content-Type": "image/jpeg"}),
     LinkStatus.MISMATCH, "declared 480x320, served jpeg is 800x450"),
    # No size found: not ok for the declared size, and not a mismatch either (it may well be right).
    (httpx.Response(200, content=b"\xff\xd8" + b"\xff" * (3 << 20), headers={"Content-Type": "image/jpeg"}),
     LinkStatus.ERROR, "could not find the image size in the first 2,097,152 bytes (the read limit); "
                       "declared 480x320 not verified"),
    (httpx.Response(200, content=png(480, 320)[:20], headers={"Content-Type": "image/png"}),
     LinkStatus.ERROR, "the png header holds no size this checker can read; declared 480x320 not verified"),
])
def test_images(router: respx.MockRouter, response: httpx.Response, status: LinkStatus, reason: str) -> None:
    router.get(IMG).mock(return_value=response)
    assert check(router, IMG, LinkKind.IMAGE, entry_options={"image": (480, 320)})[:2] == (status, reason)


AMP = "https://news.example/2021/04/story/amp"


def test_amp_page_is_ok_when_it_is_amp_and_points_back(router: respx.MockRouter) -> None:
    router.get(AMP).respond(200, html=amp_page(A))
    result = run_links([entry(AMP, LinkKind.AMP, canonical=[A])], transport=transport(router))
    assert verdict(result, AMP).status is LinkStatus.OK and verdict(result, AMP).warnings == ()


def test_amp_page_with_a_foreign_canonical_warns(router: respx.MockRouter) -> None:
    router.get(AMP).respond(200, html=amp_page("https://elsewhere.example/x"))
    result = run_links([entry(AMP, LinkKind.AMP, canonical=[A])], transport=transport(router))
    outcome = verdict(result, AMP)
    assert outcome.status is LinkStatus.OK
    assert outcome.warnings == ("the AMP page's canonical is https://elsewhere.example/x, not the record's URL",)


def test_amp_url_not_serving_amp_is_a_mismatch(router: respx.MockRouter) -> None:
    router.get(AMP).respond(200, html=amp_page(A, amp=False))
    status, reason, _ = check(router, AMP, LinkKind.AMP)
    assert status is LinkStatus.MISMATCH and "not an AMP page" in reason


CACHE = "https://news-example.cdn.ampproject.org/c/s/news.example/2021/04/story/amp"


def test_amp_cache_missing_is_reported_as_the_cache_s_404(router: respx.MockRouter) -> None:
    router.get(CACHE).respond(404)
    status, reason, _ = check(router, CACHE, LinkKind.AMP_CACHE)
    assert status is LinkStatus.DEAD and "the AMP cache has no copy of this page" in reason


def test_amp_cache_redirecting_to_the_origin_is_a_mismatch(router: respx.MockRouter) -> None:
    router.get(CACHE).respond(302, headers={"Location": A})
    router.get(A).respond(200, html=html())
    status, reason, _ = check(router, CACHE, LinkKind.AMP_CACHE)
    assert status is LinkStatus.MISMATCH and "does not serve this page as valid AMP" in reason


def test_excluded_and_non_http_links_are_skipped(router: respx.MockRouter) -> None:
    result = run_links([entry(A), entry("ftp://files.example/a")], transport=transport(router),
                       exclude=[r"news\.example"])
    assert verdict(result, A).status is LinkStatus.SKIPPED and "excluded by pattern" in verdict(result, A).reason
    assert verdict(result, "ftp://files.example/a").status is LinkStatus.SKIPPED


def test_accepted_status_codes_count_as_ok(router: respx.MockRouter) -> None:
    router.get(A).respond(403)
    assert check(router, accept=[403])[0] is LinkStatus.OK


def test_each_distinct_url_is_fetched_once(router: respx.MockRouter) -> None:
    route = router.get(A).respond(200, html=html())
    item = entry(A)
    item.occurrences.append(item.occurrences[0])
    run_links([item], transport=transport(router))
    assert route.call_count == 1


def test_minimum_interval_per_host_spaces_request_starts(router: respx.MockRouter) -> None:
    router.route(host="news.example").respond(200, html=html())
    sleeps = Sleeps()
    urls = [f"https://news.example/a/{i}" for i in range(4)]
    run_links([entry(u) for u in urls], transport=transport(router), sleeps=sleeps, per_host=1, host_interval=0.5,
              soft_404_probe=False)
    # the first request starts at once; each later one waits for its turn (the sleep is not real here,
    # so each wait is what remains of the 0.5 s interval: close to 0.5, then growing as turns queue up)
    assert len(sleeps.delays) == 3 and all(d > 0.4 for d in sleeps.delays)


def test_per_host_override_wins_over_the_default(router: respx.MockRouter) -> None:
    router.route(host="slow.example").respond(200, html=html())
    sleeps = Sleeps()
    run_links([entry(f"https://slow.example/a/{i}") for i in range(3)], transport=transport(router),
              sleeps=sleeps, soft_404_probe=False,
              hosts={"slow.example": config.HostOverride(per_host=1, host_interval=1.0)})
    assert len(sleeps.delays) == 2 and all(d > 0.9 for d in sleeps.delays)


def test_no_credentials_or_cookies_are_sent(router: respx.MockRouter) -> None:
    first = router.get("https://news.example/login").respond(
        302, headers={"Location": "https://news.example/story", "Set-Cookie": "session=abc; Path=/"})
    second = router.get("https://news.example/story").respond(200, html=html())
    run_links([entry("https://user:secret@news.example/login")], transport=transport(router))
    assert first.called and second.called
    assert "authorization" not in first.calls[0].request.headers
    assert "cookie" not in second.calls[0].request.headers


def test_include_patterns_limit_what_is_checked(router: respx.MockRouter) -> None:
    router.get(A).respond(200, html=html())
    result = run_links([entry(A), entry("https://other.example/x")], transport=transport(router),
                       include=[r"^https://news\."])
    assert verdict(result, A).status is LinkStatus.OK
    assert verdict(result, "https://other.example/x").reason == "not matched by the include patterns"


def test_flake_memory_turns_a_persistently_unreachable_link_dead_and_forgets_it_when_it_answers(
        router: respx.MockRouter, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    route = router.get(A).respond(503)
    day = timedelta(days=1)

    def status_on(moment: datetime) -> tuple[LinkStatus, str]:
        outcome = verdict(run_links([entry(A)], transport=transport(router), cache=cache, now=moment, retries=0), A)
        return outcome.status, outcome.reason

    assert status_on(NOW)[0] is LinkStatus.ERROR
    assert status_on(NOW + day)[0] is LinkStatus.ERROR            # 2 checks: not yet
    assert status_on(NOW + day + timedelta(hours=1))[0] is LinkStatus.ERROR  # 3 checks, but within 2 days
    status, reason = status_on(NOW + 2 * day)
    assert status is LinkStatus.DEAD
    assert reason.startswith("persistently unreachable since 2026-11-26T12:00:00Z (4 checks in a row): HTTP 503")
    route.respond(200, html=html())
    assert status_on(NOW + 3 * day)[0] is LinkStatus.OK
    route.respond(503)
    assert status_on(NOW + 3 * day + timedelta(hours=1))[0] is LinkStatus.OK  # from the cache
    assert status_on(NOW + 11 * day)[0] is LinkStatus.ERROR         # stale: fetched again; the count starts anew


def test_malformed_urls_are_skipped_not_a_crash(router: respx.MockRouter) -> None:
    bad = ["http://[not-an-ip/x", "https:///no-host", "http://news.example:99999/x"]
    result = run_links([entry(u) for u in bad], transport=transport(router))
    assert [verdict(result, u).status for u in bad] == [LinkStatus.SKIPPED] * 3
    assert verdict(result, bad[0]).reason.startswith("not a valid URL")
    assert verdict(result, bad[2]).reason.startswith("not a valid URL")  # the port, before any connection
    assert verdict(result, bad[1]).reason == "the URL has no host"


def test_no_route_to_any_host_makes_the_run_inconclusive(router: respx.MockRouter) -> None:
    unreachable = OSError(errno.ENETUNREACH, "Network is unreachable")
    failing = {"news.example": unreachable, "other.example": unreachable}
    result = run_links([entry(A), entry("https://other.example/")], transport=transport(router, failing))
    assert result.inconclusive
    assert verdict(result, A).status is LinkStatus.ERROR
    assert verdict(result, A).reason.startswith("no route to the host")


def test_progress_does_not_count_unknown_hosts_as_broken_before_the_network_is_known_up(
        router: respx.MockRouter) -> None:
    seen: list[Progress] = []
    result = RunResult(tool_version="t", started_at="2026-11-26T12:00:00Z")
    for url in (A, "https://other.example/x"):
        result.links[url] = entry(url)
    nxdomain = DnsFailure("cannot resolve", permanent=True)
    checker = HttpChecker(transport=transport(router, {"news.example": nxdomain, "other.example": nxdomain}),
                          sleep=Sleeps())
    checker.check(result, config.replace(config.Settings(), cache={"enabled": False}), clock=lambda: NOW,
                  progress=seen.append)
    assert result.inconclusive
    assert [(p.done, p.total, p.broken) for p in seen] == [(1, 2, 0), (2, 2, 0)]


LONG = "Residents spoke about roads, schools and the library at the council meeting on Tuesday. " * 4


def test_a_slug_redirect_to_the_article_s_new_url_is_never_soft_dead(router: respx.MockRouter) -> None:
    # the site sends /news/<id>/<any slug> to the article's current slug; a made-up URL in /news/ is a 404
    router.get(url__regex=r"https://news\.example/news/12345/(?!new-slug).*").respond(
        301, headers={"Location": "/news/12345/new-slug"})
    router.get("https://news.example/news/12345/new-slug").respond(200, html=html("Bridge reopens", LONG))
    assert check(router, "https://news.example/news/12345/old-slug")[0] is LinkStatus.REDIRECTED


def test_a_section_that_may_be_an_id_proves_nothing(router: respx.MockRouter) -> None:
    # /<id>/<any slug>: every slug of the id (the made-up one too) leads to the article
    router.get(url__regex=r"https://news\.example/12345/(?!new-slug).*").respond(
        301, headers={"Location": "/12345/new-slug"})
    router.get("https://news.example/12345/new-slug").respond(200, html=html("Bridge reopens", LONG))
    router.get(url__regex=r"https://news\.example/777/.*").respond(200, html=html("Ferry returns", LONG))
    assert check(router, "https://news.example/12345/old-slug")[0] is LinkStatus.REDIRECTED
    status, _, _ = check(router, "https://news.example/777/ferry-returns")
    assert status is LinkStatus.OK  # the same page as the made-up /777/… gets, but that is the article


def test_a_section_s_index_page_is_not_a_catch_all(router: respx.MockRouter) -> None:
    router.route(host="news.example", path__startswith="/news/").respond(200, html=html("News", LONG))
    router.get("https://news.example/").respond(200, html=html("Front page", LONG))
    result = run_links([entry("https://news.example/news/index.html")], transport=transport(router))
    outcome = verdict(result, "https://news.example/news/index.html")
    assert outcome.status is LinkStatus.OK
    assert "a made-up URL in /news/ gets the same page" in outcome.warnings[0]


def test_a_catch_all_section_page_is_soft_dead(router: respx.MockRouter) -> None:
    router.route(host="news.example", path__startswith="/news/").respond(200, html=html("News", LONG))
    router.get("https://news.example/").respond(200, html=html("Front page", LONG))
    status, reason, _ = check(router, "https://news.example/news/deleted-story")
    assert status is LinkStatus.SOFT_DEAD and reason.startswith("a catch-all page: a made-up URL in /news/")
