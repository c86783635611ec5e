"""Verdicts that hold on real networks, against loopback servers: catch-all pages, name resolution that fails
for every name while addresses answer, and the per-host limit counted by the servers themselves."""

from __future__ import annotations

import functools
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import assert_valid_report
from tests.integration.server import Farm, running_farm, send
from tests.linkcheck import PUBLIC_TOO, entry, png, resolver, run_links, verdict
from validator import cli, config
from validator.check import runner
from validator.models import LinkKind, LinkStatus

pytestmark = pytest.mark.slow

FILLER = ("The council met on Tuesday to discuss the budget for the coming year, and residents spoke about "
          "roads, schools and the library. ") * 3


def page(title: str, text: str) -> bytes:
    return (f"<!doctype html><html><head><title>{title}</title><script>var t = {time.time()};</script></head>"
            f"<body><nav>Home · News · Sport</nav><main><h1>{title}</h1><p>{text}</p></main></body></html>").encode()


def catch_all_site(h: BaseHTTPRequestHandler) -> None:
    """/news/: real stories, anything else answered 200 with the section page (a catch-all); /item/: a page
    for any id, of that id (not a catch-all); / the home page."""
    path = h.path.split("?", 1)[0]
    if path == "/news/real-story":
        body = page("Bridge reopens after repairs", "The bridge reopened on Monday. " + FILLER)
    elif path.startswith("/news/"):  # what any missing story gets: the section front, its clock ticking
        body = page("News", f"Latest news, updated {time.strftime('%H:%M:%S')} {time.time_ns()}. " + FILLER)
    elif path.startswith("/item/"):
        item = path.rsplit("/", 1)[1]
        body = page(f"Item {item}", f"Everything about item {item}. " + FILLER)
    elif path == "/":
        body = page("The Daily Example", "Welcome to the front page. " + FILLER)
    else:
        send(h, 404)
        return
    send(h, 200, body, {"Content-Type": "text/html; charset=utf-8"})


def single_page_site(h: BaseHTTPRequestHandler) -> None:
    """Every path, the root included, gets one shell page (a single-page app renders the rest)."""
    send(h, 200, page("Example App", "Loading the application. " + FILLER), {"Content-Type": "text/html"})


@pytest.fixture
def site() -> Iterator[Farm]:
    with running_farm() as farm:
        farm.routes.clear()
        farm.fallback = catch_all_site
        yield farm


def probes_of(farm: Farm) -> list[str]:
    return sorted(path for path in farm.hits if "/seed-validator-" in path)


def test_a_deleted_story_answered_with_its_section_page_is_soft_dead(site: Farm) -> None:
    gone, real = site.url("/news/old-story"), site.url("/news/real-story")
    result = run_links([entry(gone), entry(real)], allow_private=True)
    outcome = verdict(result, gone)
    assert outcome.status is LinkStatus.SOFT_DEAD
    assert outcome.reason == ("a catch-all page: a made-up URL in /news/ gets the same page (title 'News', same "
                              "text); the article is no longer there")
    assert verdict(result, real).status is LinkStatus.OK
    assert len(probes_of(site)) == 1  # one probe for the section, shared by both stories


def test_a_site_whose_made_up_ids_get_pages_of_their_own_is_not_a_catch_all(site: Farm) -> None:
    urls = [site.url("/item/1234"), site.url("/item/blue-widget")]
    result = run_links([entry(u) for u in urls], allow_private=True)
    assert [(verdict(result, u).status, verdict(result, u).warnings) for u in urls] == [(LinkStatus.OK, ())] * 2


def test_one_probe_per_section_and_host(site: Farm) -> None:
    urls = [site.url(p) for p in ("/news/a", "/news/b", "/news/c", "/item/1", "/item/2")]
    run_links([entry(u) for u in urls], allow_private=True)
    sections = [path.split("/")[1] for path in probes_of(site)]
    assert sorted(sections) == ["item", "news"]


def test_a_single_page_site_answering_every_path_with_one_shell_only_warns() -> None:
    with running_farm() as farm:
        farm.routes.clear()
        farm.fallback = single_page_site
        url = farm.url("/news/2021/some-story")
        result = run_links([entry(url)], allow_private=True)
        root_asked = farm.hits.get("/", 0)
    outcome = verdict(result, url)
    assert outcome.status is LinkStatus.OK
    assert outcome.warnings == ("this host answers 200 with the same title for paths that do not exist, its root "
                                "included (one page for every path, as a single-page site serves); the page could "
                                "not be told from a missing one",)
    assert root_asked == 1


def test_a_shell_site_whose_root_fails_is_never_soft_dead() -> None:
    """One shell for every path, but the root answers 503 (or too slowly): that the site is one shell cannot
    be ruled out, so a live story like the made-up one is not called soft-dead on that likeness."""
    def shell_root_down(h: BaseHTTPRequestHandler) -> None:
        if h.path == "/":
            send(h, 503)
        else:
            single_page_site(h)

    with running_farm() as farm:
        farm.routes.clear()
        farm.fallback = shell_root_down
        url = farm.url("/news/2021/some-story")
        result = run_links([entry(url)], allow_private=True, retries=0)
    assert verdict(result, url).status is LinkStatus.OK


def test_a_host_hanging_on_made_up_urls_is_probed_once_not_once_per_section() -> None:
    """A host that answers its articles but hangs on made-up URLs: after one probe runs out its deadline, the
    host's other sections are judged without one (each would cost the probe's deadline again)."""
    def hangs_on_probes(h: BaseHTTPRequestHandler) -> None:
        if "/seed-validator-" in h.path:
            time.sleep(4)
        id_site(h)

    with running_farm() as farm:
        farm.routes.clear()
        farm.fallback = hangs_on_probes
        urls = [farm.url(f"/section{n}/2021/story-{n}") for n in range(6)]
        result = run_links([entry(u) for u in urls], allow_private=True, per_host=1, timeout=1.5)
        asked = probes_of(farm)
    assert [verdict(result, u).status for u in urls] == [LinkStatus.OK] * 6
    assert len(asked) == 1, asked


def test_a_section_baseline_slow_to_come_does_not_hold_up_the_pages_after_it() -> None:
    """Pages are judged apart from their fetching: while the made-up URL's answer is slow, the host's other
    pages are fetched on the free slot (before, every page waited for the baseline, one slot sat idle), and
    each page is still judged against the baseline once it comes: the catch-all is found."""
    pages_seen = threading.Semaphore(0)
    seen_before_baseline: list[int] = []

    def slow_baseline(h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        if "/seed-validator-" in path:
            got = sum(pages_seen.acquire(timeout=3) for _ in range(4))  # wait for 4 more pages (3 s at most)
            seen_before_baseline.append(got)
        elif path.startswith("/news/"):
            pages_seen.release()
        catch_all_site(h)

    with running_farm() as farm:
        farm.routes.clear()
        farm.fallback = slow_baseline
        real, gone = farm.url("/news/real-story"), [farm.url(f"/news/gone-{n}") for n in range(7)]
        result = run_links([entry(u) for u in [real, *gone]], allow_private=True, per_host=2, timeout=10)
    assert seen_before_baseline == [4]
    assert verdict(result, real).status is LinkStatus.OK
    assert {verdict(result, u).status for u in gone} == {LinkStatus.SOFT_DEAD}


def id_site(h: BaseHTTPRequestHandler) -> None:
    """Every path gets a page of its own (titled by its last segment), the root its front page."""
    slug = h.path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "front"
    send(h, 200, page(f"Story {slug}", f"All about {slug}. " + FILLER), {"Content-Type": "text/html"})


def test_two_sites_on_one_host_name_never_share_a_probe_or_a_root() -> None:
    """A news site and a single-page app on two ports of one host: each origin is probed and its root asked
    on its own, so the app's page gets the app's warning, never the news site's root as its baseline."""
    with running_farm() as news, running_farm() as app:
        news.routes.clear()
        app.routes.clear()
        news.fallback, app.fallback = catch_all_site, single_page_site
        story, spa = news.url("/news/real-story"), app.url("/articles/spa-story-one")
        result = run_links([entry(story), entry(spa)], allow_private=True, per_host=1)
        roots = (news.hits.get("/", 0), app.hits.get("/", 0))
    assert verdict(result, story).status is LinkStatus.OK
    outcome = verdict(result, spa)
    assert outcome.status is LinkStatus.OK
    assert "its root included" in outcome.warnings[0]
    assert roots == (1, 1)


def test_a_catch_all_on_one_port_is_judged_against_its_own_probe_every_time() -> None:
    """The same section on two ports of one host: an id-specific site and a catch-all. The deleted story on
    the catch-all is soft-dead in every run, whichever URL finishes first."""
    for _ in range(3):
        with running_farm() as ids, running_farm() as catch_all:
            ids.routes.clear()
            catch_all.routes.clear()
            ids.fallback, catch_all.fallback = id_site, catch_all_site
            live, gone = ids.url("/news/real-story-here"), catch_all.url("/news/deleted-story-2019")
            result = run_links([entry(live), entry(gone)], allow_private=True, per_host=1)
            probed = (len(probes_of(ids)), len(probes_of(catch_all)))
        assert (verdict(result, live).status, verdict(result, gone).status) == (LinkStatus.OK, LinkStatus.SOFT_DEAD)
        assert probed == (1, 1)


def consent_wall(h: BaseHTTPRequestHandler) -> None:
    """The front page at /, and one cookie-consent page for every other path, live article or not."""
    if h.path == "/":
        body = page("The Daily Example", "Welcome to the front page. " + FILLER)
    else:
        body = page("Before you continue", "We use cookies and data to deliver and maintain our services. " + FILLER)
    send(h, 200, body, {"Content-Type": "text/html"})


def paywall(h: BaseHTTPRequestHandler) -> None:
    """Every story redirected to one subscription page (the path not carried along)."""
    if h.path.startswith("/news/"):
        send(h, 302, headers={"Location": "/subscribe"})
    else:
        send(h, 200, page("Subscribe", "Subscribe to read every story. " + FILLER), {"Content-Type": "text/html"})


def test_a_consent_wall_in_front_of_every_article_is_blocked_not_soft_dead() -> None:
    with running_farm() as walled:
        walled.routes.clear()
        walled.fallback = consent_wall
        urls = [walled.url("/world/floods-hit-the-north"), walled.url("/world/election-results-2021")]
        result = run_links([entry(u) for u in urls], allow_private=True)
    for url in urls:
        outcome = verdict(result, url)
        assert outcome.status is LinkStatus.BLOCKED, outcome.reason
        assert outcome.reason == (
            f"every one of the 2 articles checked in {walled.base}/world/ gets the same answer as a made-up URL "
            "there: a consent or pay wall, a login or an app shell stands in front of them, so whether this one "
            "exists cannot be told; not known dead")


def test_a_paywall_redirecting_every_story_to_subscribe_is_blocked_not_soft_dead() -> None:
    with running_farm() as walled:
        walled.routes.clear()
        walled.fallback = paywall
        url = walled.url("/news/a-story-behind-the-paywall")
        result = run_links([entry(url)], allow_private=True)
    outcome = verdict(result, url)
    assert outcome.status is LinkStatus.BLOCKED
    assert outcome.reason.startswith(f"redirects to {walled.url('/subscribe')}, a login, subscription or consent "
                                     "page where a made-up URL in this section goes too")


def test_a_live_story_beside_the_deleted_one_keeps_the_catch_all_soft_dead(site: Farm) -> None:
    gone = [site.url("/news/old-story"), site.url("/news/older-story")]
    result = run_links([entry(u) for u in [*gone, site.url("/news/real-story")]], allow_private=True)
    assert [verdict(result, u).status for u in gone] == [LinkStatus.SOFT_DEAD] * 2


def test_the_probe_turned_off_for_a_host_or_the_run_judges_its_pages_without_it(site: Farm) -> None:
    gone = site.url("/news/old-story")
    off = {"127.0.0.1": config.HostOverride(soft_404_probe=False)}
    for options in ({"hosts": off}, {"soft_404_probe": False}):
        site.hits.clear()
        result = run_links([entry(gone)], allow_private=True, **options)
        assert verdict(result, gone).status is LinkStatus.OK
        assert probes_of(site) == []


@pytest.fixture(scope="module")
def farm() -> Iterator[Farm]:
    with running_farm() as running:
        yield running


def test_every_name_failing_while_addresses_answer_calls_no_link_dead(farm: Farm) -> None:
    by_name = [f"http://news.test:{farm.port}/ok", f"http://gone.test:{farm.port}/ok"]
    by_address = farm.url("/ok")
    lookups = resolver({"news.test": socket.EAI_NONAME, "gone.test": socket.EAI_NONAME})
    result = run_links([entry(u) for u in [*by_name, by_address]], allow_private=True, resolver=lookups)
    assert result.inconclusive
    assert verdict(result, by_address).status is LinkStatus.OK
    for url in by_name:
        outcome = verdict(result, url)
        assert outcome.status is LinkStatus.ERROR
        assert outcome.reason == ("not verified: the name could not be looked up while name resolution was failing "
                                  f"in this run (cannot resolve {url.split('/')[2].split(':')[0]}: Name or service "
                                  "not known)")
        assert "NXDOMAIN" not in outcome.reason
    assert any("the lookups of all 2 host name(s) failed" in note for note in result.notes)


def test_one_unknown_name_among_names_that_resolve_is_dead(farm: Farm) -> None:
    known, unknown = f"http://news.test:{farm.port}/ok", f"http://gone.test:{farm.port}/ok"
    lookups = resolver({"news.test": ("127.0.0.1", PUBLIC_TOO), "gone.test": socket.EAI_NONAME})
    result = run_links([entry(known), entry(unknown)], allow_private=True, resolver=lookups)
    assert not result.inconclusive
    assert verdict(result, known).status is LinkStatus.OK
    outcome = verdict(result, unknown)
    assert outcome.status is LinkStatus.DEAD
    assert outcome.reason == "unknown host (NXDOMAIN): cannot resolve gone.test: Name or service not known"


def test_names_resolving_only_to_loopback_prove_nothing_about_public_names(farm: Farm, tmp_path: Path) -> None:
    """A sandbox: `localhost` resolves from the hosts file, every public name fails with EAI_NONAME (the
    resolver is unreachable). localhost's answer says nothing about DNS: no public link is dead, the run is
    inconclusive, and nothing false is cached (the second run is as inconclusive as the first)."""
    local, public = f"http://localhost:{farm.port}/ok", "https://www.bbc.co.uk/news/world-12345678"
    lookups = resolver({"localhost": "127.0.0.1", "www.bbc.co.uk": socket.EAI_NONAME})
    cache = tmp_path / "cache.sqlite"
    for _ in range(2):
        result = run_links([entry(local), entry(public)], allow_private=True, resolver=lookups, cache=cache)
        assert result.inconclusive
        assert verdict(result, local).status is LinkStatus.OK
        outcome = verdict(result, public)
        assert (outcome.status, outcome.from_cache) == (LinkStatus.ERROR, False)
        assert any("the lookups of all 1 host name(s) failed (www.bbc.co.uk)" in note for note in result.notes)


def test_loopback_spelled_with_ideographic_full_stops_is_no_evidence_of_dns(farm: Farm) -> None:
    """An attacker trial: `127。0。0。1` is the address 127.0.0.1 to the connection (IDNA maps the dots), but
    was taken for a name that resolved: every public name failing was then NXDOMAIN, dead, exit 1."""
    odd, public = f"http://127\u30020\u30020\u30021:{farm.port}/ok", "https://news.example.com/story"
    lookups = resolver({"news.example.com": socket.EAI_NONAME})
    result = run_links([entry(odd), entry(public)], resolver=lookups)
    assert result.inconclusive
    assert verdict(result, public).status is LinkStatus.ERROR


def test_an_intranet_name_allowed_by_network_is_no_evidence_either(farm: Farm) -> None:
    local, public = f"http://wiki.intranet:{farm.port}/ok", "https://news.example.com/story"
    lookups = resolver({"wiki.intranet": "127.0.0.1", "news.example.com": socket.EAI_NONAME})
    result = run_links([entry(local), entry(public)], allow_networks=["127.0.0.0/8"], resolver=lookups)
    assert result.inconclusive
    assert verdict(result, public).status is LinkStatus.ERROR


def test_a_name_the_resolver_could_not_ask_about_is_never_dead(farm: Farm) -> None:
    known, unasked = f"http://news.test:{farm.port}/ok", f"http://slow.test:{farm.port}/ok"
    lookups = resolver({"news.test": ("127.0.0.1", PUBLIC_TOO), "slow.test": socket.EAI_AGAIN})
    result = run_links([entry(known), entry(unasked)], allow_private=True, resolver=lookups, retries=0)
    assert not result.inconclusive
    assert (verdict(result, unasked).status, verdict(result, unasked).reason) == (
        LinkStatus.ERROR, "cannot resolve slow.test: Temporary failure in name resolution")


SEED = """---
category: news
title: "A story"
excerpt: "Something happened."
publishedDateTime: 2021-04-09T11:00:00Z
originalUrl: "{page}"
webUrl: "{page}"
type: article
provider:
  name: Farm
  domain: {domain}
topics:
  - Testing
images:
  - url: "{image}"
    width: 480
    height: 320
secured: "YWJj;ZGVm"
---
"""


Names = dict[str, str | int | tuple[str, ...]]


def one_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: Names, *, page: str, image: str,
               domain: str = "news.test") -> None:
    """seeds/a.txt in tmp_path (the working directory) with this page and image; names looked up in table."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text(SEED.format(page=page, image=image, domain=domain), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(runner, "HttpChecker", functools.partial(runner.HttpChecker, resolver=resolver(table)))


def cli_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, farm: Farm, table: Names, *,
            domain: str = "news.test") -> tuple[int, dict[str, Any]]:
    """`check` on one record: its page on news.test (a name), its image on 127.0.0.1 (an address)."""
    one_record(tmp_path, monkeypatch, table, page=f"http://news.test:{farm.port}/ok", image=farm.url("/image.png"),
               domain=domain)
    code = cli.main(["check", "--no-cache", "--allow-private"])
    report: dict[str, Any] = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(report)
    return code, report


def test_cli_every_name_failing_is_inconclusive_exit_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str], farm: Farm) -> None:
    code, report = cli_run(tmp_path, monkeypatch, farm, {"news.test": socket.EAI_NONAME})
    output = capsys.readouterr().out
    assert code == 3
    assert "INCONCLUSIVE" in output and "note: host names could not be resolved" in output
    assert report["run"]["inconclusive"] is True
    assert report["summary"]["links_by_status"] == {
        "ok": 1, "redirected": 0, "dead": 0, "soft-dead": 0, "mismatch": 0, "blocked": 0, "error": 1, "skipped": 0}


def test_cli_localhost_resolving_while_public_names_fail_is_inconclusive_exit_3(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], farm: Farm) -> None:
    one_record(tmp_path, monkeypatch, {"localhost": "127.0.0.1", "img.test": socket.EAI_NONAME},
               page=f"http://localhost:{farm.port}/ok", image=f"http://img.test:{farm.port}/image.png")
    code = cli.main(["check", "--no-cache", "--allow-private"])
    output = capsys.readouterr().out
    assert code == 3
    assert "link/dead" not in output and "INCONCLUSIVE" in output


def test_an_inconclusive_headline_never_contradicts_a_dead_link(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], farm: Farm) -> None:
    """The page's name cannot be looked up (not verified) while the image, by address, answers 404 (dead):
    every headline says both, and `baseline` on the same run says why it exits 3."""
    one_record(tmp_path, monkeypatch, {"news.test": socket.EAI_NONAME}, page=f"http://news.test:{farm.port}/ok",
               image=farm.url("/gone.png"))
    code = cli.main(["check", "--no-cache", "--allow-private", "--format", "md,html"])
    output = capsys.readouterr().out
    said = ("links resting on the network or on name resolution were not verified (see the notes); 1 link(s) "
            "called dead or soft-dead on the answers that came")
    assert code == 1
    assert f"the link stage was also INCONCLUSIVE: {said}" in output
    assert f"**inconclusive** ({said})" in (tmp_path / "reports" / "report.md").read_text(encoding="utf-8")
    assert f"inconclusive: {said}" in (tmp_path / "reports" / "report.html").read_text(encoding="utf-8")
    assert "no link was called dead." not in output  # the note may: "… dead for an unknown host"
    # its two occurrences (webUrl, originalUrl) are one console line, saying "not verified" once
    assert ("2 link problem(s) (1 link(s) on 1 host(s)) could not be verified: the name could not be looked up "
            "while name resolution was failing") in output

    code = cli.main(["baseline", "--no-cache", "--allow-private", "--output", "baseline.json"])
    output = capsys.readouterr().out
    assert code == 3
    assert f"INCONCLUSIVE: {said}. Exit code 3: inconclusive" in output
    assert "note: host names could not be resolved" in output
    assert "the baseline holds links that were not verified" in output

    code = cli.main(["check", "--no-cache", "--allow-private", "--baseline", "baseline.json", "--format", "none"])
    output = capsys.readouterr().out
    assert code == 3
    assert f"INCONCLUSIVE: {said} (the baseline accepts every problem found)" in output


def test_cli_a_definite_failure_wins_over_an_inconclusive_link_stage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], farm: Farm) -> None:
    code, report = cli_run(tmp_path, monkeypatch, farm, {"news.test": socket.EAI_NONAME}, domain="not a domain")
    output = capsys.readouterr().out
    assert code == 1
    assert "error schema/pattern" in output  # the definite failure, with its place
    assert "INCONCLUSIVE" in output  # and the link stage's state, both said
    assert ("Failed: 1 problem(s) at or above --fail-on error (1 structure finding(s)); "
            "the link stage was also INCONCLUSIVE") in output
    assert "Exit code 1" in output
    assert report["run"]["inconclusive"] is True


def test_cli_an_unknown_name_among_resolving_ones_fails_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], farm: Farm) -> None:
    one_record(tmp_path, monkeypatch, {"news.test": ("127.0.0.1", PUBLIC_TOO), "img.test": socket.EAI_NONAME},
               page=f"http://news.test:{farm.port}/ok", image=f"http://img.test:{farm.port}/image.png")
    code = cli.main(["check", "--no-cache", "--allow-private"])
    output = capsys.readouterr().out
    assert code == 1
    assert "seeds/a.txt:15:10: error link/dead image link dead: http://img.test" in output
    assert "INCONCLUSIVE" not in output


def test_the_per_host_limit_holds_on_every_connection_counted_by_the_servers() -> None:
    """Three hosts; each sends some of its stories to another host (302), answers the probes, and retries
    one story (503 once). With --per-host 2 no server ever sees a third request in flight."""
    with running_farm("127.0.0.2") as a, running_farm("127.0.0.3") as b, running_farm("127.0.0.4") as c:
        farms = [a, b, c]
        for index, farm in enumerate(farms):
            other = farms[(index + 1) % 3]
            farm.fallback = functools.partial(_busy_site, farm, other)
        urls = [farm.url(f"/story/{i}") for farm in farms for i in range(12)]
        urls += [farm.url(f"/moved/{i}") for farm in farms for i in range(12)]
        urls += [farm.url("/flaky/1") for farm in farms]
        images = [farm.url("/photo.png") for farm in farms]
        result = run_links([entry(u) for u in urls] + [entry(u, LinkKind.IMAGE) for u in images],
                           allow_networks=["127.0.0.0/8"], per_host=2, retries=2, concurrency=64)
        most = [farm.most_in_flight for farm in farms]
        probed = [len(probes_of(farm)) for farm in farms]
    assert all(verdict(result, u).status is LinkStatus.OK for u in urls + images), {
        u: verdict(result, u).reason for u in urls + images if verdict(result, u).status is not LinkStatus.OK}
    assert [verdict(result, farm.url("/flaky/1")).attempts for farm in farms] == [2, 2, 2]  # retried
    assert probed == [3, 3, 3]  # one per section: /story/, /moved/ (redirected to the next host), /flaky/
    assert most == [2, 2, 2]


def _busy_site(farm: Farm, other: Farm, h: BaseHTTPRequestHandler) -> None:
    path = h.path.split("?", 1)[0]
    farm.stop.wait(0.02)  # long enough for requests to overlap
    if path.startswith("/moved/"):
        send(h, 302, headers={"Location": other.url("/story/from-" + farm.host + "-" + path.rsplit("/", 1)[1])})
    elif path == "/flaky/1" and farm.hits[path] == 1:
        send(h, 503)
    elif path == "/photo.png":
        send(h, 200, png(4, 4), {"Content-Type": "image/png"})
    elif path.startswith(("/story/", "/flaky/")):
        send(h, 200, f"<html><title>{path}</title><p>{path}</p></html>".encode(), {"Content-Type": "text/html"})
    else:
        send(h, 404)
