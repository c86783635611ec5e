"""The archive client through respx: snapshot found, none, archive down, archive slow, cached, guarded."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from tests.conftest import variant
from tests.linkcheck import NOW
from validator import cli, config
from validator.check.archive import WebArchive, snapshot_from, wayback_timestamp
from validator.check.cache import LinkCache
from validator.check.politeness import Politeness
from validator.errors import ConfigError
from validator.models import ArchivedCopy, LinkEntry, LinkKind, LinkResult, LinkStatus, Occurrence

ENDPOINT = "https://archive.example/wayback/available"
DEAD = "https://gone.example/2021/story"
SNAPSHOT_URL = "http://web.archive.org/web/20210409120000/https://gone.example/2021/story"


def answer(url: str = SNAPSHOT_URL, stamp: str = "20210409120000", **closest: Any) -> dict[str, Any]:
    return {"url": DEAD, "archived_snapshots": {"closest": {"status": "200", "available": True, "url": url,
                                                            "timestamp": stamp, **closest}}}


@pytest.mark.parametrize(("given", "expected"), [
    (answer(), ArchivedCopy("https://web.archive.org/web/20210409120000/https://gone.example/2021/story",
                            "2021-04-09T12:00:00Z")),
    ({"url": DEAD, "archived_snapshots": {}}, None),
    (answer(available=False), None),
    (answer(status="404"), None),
    (answer(url="javascript:alert(1)//"), None),
    (answer(url='https://web.archive.org/web/1/x"><script>'), None),
    (answer(url="https://web.archive.org/web/1/a b"), None),
    (answer(stamp="yesterday"), None),
    (answer(url="https://web.archive.org/web/2021/https://en.example/wiki/A_(b)"),
     ArchivedCopy("https://web.archive.org/web/2021/https://en.example/wiki/A_%28b%29", "2021-04-09T12:00:00Z")),
    ([], None),
])
def test_only_a_plain_available_snapshot_becomes_a_suggestion(given: Any, expected: ArchivedCopy | None) -> None:
    assert snapshot_from(given) == expected


def test_wayback_timestamps_are_utc() -> None:
    assert wayback_timestamp("2021-04-09T11:00:00Z") == "20210409110000"
    assert wayback_timestamp("2021-04-09T11:00:00+02:00") == "20210409090000"
    assert wayback_timestamp("April 2021") == "" and wayback_timestamp(None) == ""


@pytest.fixture(autouse=True)
def _inside_the_working_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The citing records are read as the run reads seeds: only inside the working tree."""
    monkeypatch.chdir(tmp_path)


def entries(seed_dir: Path, *statuses: LinkStatus, kind: LinkKind = LinkKind.PAGE) -> list[LinkEntry]:
    """Links of a seed file (published 2021-04-09T11:00:00Z; related item 0 on 2021-04-07T22:00:00Z)."""
    seed = seed_dir / "a.txt"
    seed.write_text(variant(), encoding="utf-8")
    found = []
    for n, status in enumerate(statuses):
        url = f"{DEAD}/{n}"
        entry = LinkEntry(url, kind, [Occurrence(str(seed), "/related/0/webUrl" if n else "/webUrl", 7)])
        entry.result = LinkResult(url, kind, status, "test")
        found.append(entry)
    return found


def settings(tmp_path: Path | None = None, **links: Any) -> config.Settings:
    return config.replace(config.Settings(), links={"archive_endpoint": ENDPOINT, **links},
                          cache={"enabled": tmp_path is not None,
                                 **({"path": tmp_path / "cache.sqlite"} if tmp_path else {})})


def suggest_archived(found: list[LinkEntry], options: config.Settings,
                     transport: httpx.AsyncBaseTransport | None = None) -> list[str]:
    """Ask the archive as HttpChecker does after its post-pass: on the run's politeness and link cache."""
    cache = LinkCache(options.cache.path, max_age_good=options.cache.max_age_good,
                      max_age_bad=options.cache.max_age_bad, now=NOW.timestamp) if options.cache.enabled else None

    async def ask() -> list[str]:
        archive = WebArchive(options, Politeness(options.links, sleep=asyncio.sleep), transport=transport,
                             cache=cache)
        await archive.ask(found)
        return archive.notes

    try:
        return asyncio.run(ask())
    finally:
        if cache is not None:
            cache.close()


def suggest(found: list[LinkEntry], router: respx.MockRouter, options: config.Settings) -> list[str]:
    return suggest_archived(found, options, transport=httpx.MockTransport(router.async_handler))


def test_the_snapshot_closest_to_each_citing_article_is_asked_for(seed_dir: Path) -> None:
    router = respx.MockRouter()
    route = router.get(ENDPOINT).respond(200, json=answer())
    found = entries(seed_dir, LinkStatus.DEAD, LinkStatus.SOFT_DEAD, LinkStatus.OK, LinkStatus.REDIRECTED)
    assert suggest(found, router, settings()) == []
    asked = [(c.request.url.params["url"], c.request.url.params["timestamp"]) for c in route.calls]
    assert asked == [(f"{DEAD}/0", "20210409110000"), (f"{DEAD}/1", "20210407220000")]  # the related item's own date
    assert [e.archived is not None for e in found] == [True, True, False, False]
    assert route.calls[0].request.headers["user-agent"].startswith("seed-validator/")


def test_no_snapshot_means_no_suggestion_and_no_note(seed_dir: Path) -> None:
    router = respx.MockRouter()
    router.get(ENDPOINT).respond(200, json={"url": DEAD, "archived_snapshots": {}})
    found = entries(seed_dir, LinkStatus.DEAD)
    assert suggest(found, router, settings()) == [] and found[0].archived is None


@pytest.mark.parametrize(("behaviour", "note"), [
    (httpx.ConnectError("refused"), "could not be asked: cannot connect: refused"),
    (httpx.Response(503), "could not be asked: HTTP 503"),
    (httpx.Response(301, headers={"Location": "https://elsewhere.example/api"}),
     "HTTP 301 (to https://elsewhere.example/api: set archive-endpoint to where it leads)"),
    (httpx.Response(200, text="<html>maintenance</html>"), "the answer is not JSON"),
    (httpx.Response(200, text="[" * 30000 + "]" * 30000), "the answer is not JSON"),
    (httpx.Response(200, content=b"{" + b" " * 70000 + b"}"), "larger than 64 KB"),
])
def test_an_archive_that_fails_is_asked_once_and_verdicts_stay(seed_dir: Path, behaviour: Any, note: str) -> None:
    router = respx.MockRouter()
    route = router.get(ENDPOINT).mock(side_effect=[behaviour])
    found = entries(seed_dir, LinkStatus.DEAD, LinkStatus.DEAD)
    notes = suggest(found, router, settings())
    assert len(notes) == 1 and note in notes[0] and "2 dead link(s)" in notes[0]
    assert route.call_count == 1 and all(e.archived is None for e in found)
    assert [e.result.status for e in found if e.result] == [LinkStatus.DEAD, LinkStatus.DEAD]


def test_a_slow_archive_is_bounded_by_archive_timeout(seed_dir: Path) -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        return httpx.Response(200, json=answer())

    router = respx.MockRouter()
    router.get(ENDPOINT).mock(side_effect=hang)
    found = entries(seed_dir, LinkStatus.DEAD, LinkStatus.SOFT_DEAD)
    notes = suggest(found, router, settings(archive_timeout=0.05))
    assert notes == ["the web archive (archive.example) could not be asked: no answer within 0.05 s; no archived "
                     "copy is suggested for 2 dead link(s) this run"]


def test_answers_are_kept_in_the_link_cache(seed_dir: Path, tmp_path: Path) -> None:
    router = respx.MockRouter()
    route = router.get(ENDPOINT).mock(side_effect=[httpx.Response(200, json=answer()),
                                                   httpx.Response(200, json={"archived_snapshots": {}})])
    first = entries(seed_dir, LinkStatus.DEAD, LinkStatus.DEAD)
    suggest(first, router, settings(tmp_path))
    again = entries(seed_dir, LinkStatus.DEAD, LinkStatus.DEAD)
    assert suggest(again, router, settings(tmp_path)) == []
    assert route.call_count == 2  # the second run asked nothing
    assert [e.archived for e in again] == [e.archived for e in first] and again[0].archived and not again[1].archived


def test_the_archive_is_reached_only_through_the_address_guard(seed_dir: Path) -> None:
    found = entries(seed_dir, LinkStatus.DEAD)
    notes = suggest_archived(found, settings(archive_endpoint="http://127.0.0.1:9/wayback/available"))
    assert len(notes) == 1 and "non-public address" in notes[0] and found[0].archived is None


def test_the_query_carries_the_url_encoded(seed_dir: Path) -> None:
    router = respx.MockRouter()
    route = router.get(ENDPOINT).respond(200, json={})
    found = entries(seed_dir, LinkStatus.DEAD)
    found[0].url = DEAD + "?a=1&b=é"
    suggest(found, router, settings())
    assert route.calls[0].request.url.params["url"] == DEAD + "?a=1&b=é"


@pytest.mark.parametrize("endpoint", ["file:///etc/passwd", "ftp://archive.example/api", "javascript:alert(1)",
                                      "https://", "https://archive.example/a b", "archive.example/api"])
def test_the_endpoint_must_be_an_http_url_in_the_config_and_on_the_command_line(
        endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "seed-validator.toml"
    with pytest.raises(ConfigError, match="'archive-endpoint' must be an http"):
        config.apply_file(config.Settings(), path, {"archive-endpoint": endpoint})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["check", "--archive-endpoint", endpoint])
    assert stopped.value.code == 2 and "'archive-endpoint' must be an http(s) URL" in capsys.readouterr().err
    assert config.apply_file(config.Settings(), path, {"archive-endpoint": "HTTP://a.example/x?key=1"}) \
        .links.archive_endpoint == "HTTP://a.example/x?key=1"
