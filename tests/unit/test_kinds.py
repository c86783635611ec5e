"""Every kind a URL is used as is checked, on one fetch: page + image, page + AMP, AMP + AMP cache (respx)."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from tests.conftest import assert_valid_report
from tests.linkcheck import amp_page, html, jpeg_header, png, run_links, verdict
from validator.errors import UsageError
from validator.extract import extract_links
from validator.fix.links import by_occurrence
from validator.models import ImageSpec, KindVerdict, LinkEntry, LinkKind, LinkStatus, Occurrence, RunResult
from validator.pipeline import add_links
from validator.problems import problems
from validator.report import codec, markdown
from validator.report.context import ReportInput

PAGE = "https://news.example/2021/04/story"
AMP = "https://news.example/2021/04/story/amp"
CACHE = "https://news-example.cdn.ampproject.org/c/s/news.example/2021/04/story/amp"


def router() -> respx.MockRouter:
    return respx.MockRouter(assert_all_called=False)


def transport(routes: respx.MockRouter) -> httpx.MockTransport:
    routes.route().respond(404)  # anything else (the soft-404 probe's made-up paths)
    return httpx.MockTransport(routes.async_handler)


def used_as(url: str, *kinds: LinkKind, image: tuple[int, int] | None = None,
            canonical: tuple[str, ...] = ()) -> LinkEntry:
    """A URL as a record uses it: one occurrence per kind, each in the field of that kind."""
    fields = {LinkKind.PAGE: "/webUrl", LinkKind.IMAGE: "/images/0/url", LinkKind.AMP: "/ampWebUrl",
              LinkKind.AMP_CACHE: "/cdnAmpWebUrl", LinkKind.EMBED: "/featuredContent"}
    occurrences = [Occurrence("seeds/a.txt", fields[kind], 5 + n, kind=kind) for n, kind in enumerate(kinds)]
    return LinkEntry(url, kinds[0], occurrences, set(canonical), ImageSpec(*image) if image else None)


def run(routes: respx.MockRouter, *entries: LinkEntry, **options: object) -> RunResult:
    return run_links(list(entries), transport=transport(routes), **options)  # type: ignore[arg-type]


def by_kind(result: RunResult, url: str) -> dict[LinkKind, tuple[LinkStatus, str]]:
    return {v.kind: (v.status, v.reason) for v in verdict(result, url).per_kind()}


def report(result: RunResult) -> dict[str, Any]:
    result.finished_at = result.started_at
    document: dict[str, Any] = json.loads("".join(codec.to_document(result)))
    assert_valid_report(document)
    return document


def test_a_page_used_as_an_image_gets_the_image_verdict_too_on_one_fetch() -> None:
    routes = router()
    page = routes.get(PAGE).respond(200, html=html())
    result = run(routes, used_as(PAGE, LinkKind.PAGE, LinkKind.IMAGE, image=(480, 320)))
    assert page.call_count == 1
    assert by_kind(result, PAGE) == {LinkKind.PAGE: (LinkStatus.OK, "HTTP 200"),
                                     LinkKind.IMAGE: (LinkStatus.MISMATCH, "serves text/html, not an image")}
    outcome = verdict(result, PAGE)
    assert (outcome.status, outcome.kind) == (LinkStatus.MISMATCH, LinkKind.IMAGE)  # the most urgent kind's
    # the problem is where the URL is used as an image, and says so; the page occurrence is fine
    assert [(p.pointer, p.rule, p.message) for p in problems(result)] == [
        ("/images/0/url", "link/mismatch", f"image link mismatch: {PAGE} (serves text/html, not an image)")]
    link = report(result)["links"][0]
    assert (link["kind"], link["status"]) == ("image", "mismatch")
    assert link["kinds"] == [{"kind": "page", "status": "ok", "reason": "HTTP 200", "warnings": []},
                             {"kind": "image", "status": "mismatch", "reason": "serves text/html, not an image",
                              "warnings": []}]
    assert [(o["pointer"], o["kind"]) for o in link["occurrences"]] == [("/webUrl", "page"),
                                                                         ("/images/0/url", "image")]


def test_an_image_used_as_a_page_too_is_read_with_the_image_s_larger_limit() -> None:
    routes = router()
    # the size sits after 300 KB of metadata segments: past a page's read limit (256 KB), within an image's (2 MiB)
    metadata = (b"\xff\xe1" + struct.pack(">H", 60_002) + b"\x00" * 60_000) * 5
    routes.get(PAGE).respond(200, content=b"\xff\xd8" + metadata + jpeg_header(480, 320)[2:],
                             headers={"Content-Type": "image/jpeg"})
    result = run(routes, used_as(PAGE, LinkKind.PAGE, LinkKind.IMAGE, image=(640, 320)))
    assert by_kind(result, PAGE)[LinkKind.IMAGE] == (LinkStatus.MISMATCH, "declared 640x320, served jpeg is 480x320")
    assert by_kind(result, PAGE)[LinkKind.PAGE][0] is LinkStatus.OK


def test_an_image_that_is_also_a_page_passes_both() -> None:
    routes = router()
    routes.get(PAGE).respond(200, content=png(480, 320), headers={"Content-Type": "image/png"})
    result = run(routes, used_as(PAGE, LinkKind.IMAGE, LinkKind.PAGE, image=(480, 320)))
    assert {kind: status for kind, (status, _) in by_kind(result, PAGE).items()} == {
        LinkKind.IMAGE: LinkStatus.OK, LinkKind.PAGE: LinkStatus.OK}
    assert verdict(result, PAGE).kind is LinkKind.IMAGE  # on a tie, the kind first found
    assert problems(result) == []


def test_a_plain_page_used_as_an_amp_url_gets_the_amp_verdict() -> None:
    routes = router()
    page = routes.get(PAGE).respond(200, html=html())
    result = run(routes, used_as(PAGE, LinkKind.PAGE, LinkKind.AMP, canonical=(PAGE,)))
    assert page.call_count == 1
    assert by_kind(result, PAGE)[LinkKind.PAGE] == (LinkStatus.OK, "HTTP 200")
    assert by_kind(result, PAGE)[LinkKind.AMP] == (LinkStatus.MISMATCH,
                                                   "not an AMP page: no ⚡ or amp attribute on <html>")
    assert [(p.pointer, p.rule) for p in problems(result)] == [("/ampWebUrl", "link/mismatch")]


def test_an_amp_page_used_as_its_own_cache_url_gets_both_checks() -> None:
    routes = router()
    cache = routes.get(CACHE).respond(302, headers={"Location": AMP})
    routes.get(AMP).respond(200, html=amp_page(PAGE))
    result = run(routes, used_as(CACHE, LinkKind.AMP, LinkKind.AMP_CACHE, canonical=(PAGE,)))
    assert cache.call_count == 1
    kinds = by_kind(result, CACHE)
    assert kinds[LinkKind.AMP][0] is LinkStatus.OK  # an AMP page (reached through a temporary redirect)
    assert kinds[LinkKind.AMP_CACHE] == (
        LinkStatus.MISMATCH, f"the AMP cache redirects to {AMP}: it does not serve this page as valid AMP")
    assert verdict(result, CACHE).kind is LinkKind.AMP_CACHE
    assert [(p.pointer, p.rule) for p in problems(result)] == [("/cdnAmpWebUrl", "link/mismatch")]


def test_a_missing_url_is_dead_for_every_kind_with_each_kind_s_reason() -> None:
    routes = router()
    routes.get(CACHE).respond(404)
    result = run(routes, used_as(CACHE, LinkKind.AMP, LinkKind.AMP_CACHE))
    kinds = by_kind(result, CACHE)
    assert kinds[LinkKind.AMP] == (LinkStatus.DEAD, "HTTP 404")
    status, reason = kinds[LinkKind.AMP_CACHE]
    assert status is LinkStatus.DEAD and "the AMP cache has no copy" in reason
    assert {(p.pointer, p.rule) for p in problems(result)} == {("/ampWebUrl", "link/dead"),
                                                              ("/cdnAmpWebUrl", "link/dead")}


def test_warnings_belong_to_their_kind() -> None:
    routes = router()
    routes.get(AMP).respond(200, html=amp_page("https://elsewhere.example/x"))
    result = run(routes, used_as(AMP, LinkKind.AMP, LinkKind.PAGE, canonical=(PAGE,)))
    outcome = verdict(result, AMP)
    assert outcome.status is LinkStatus.OK
    warning = "the AMP page's canonical is https://elsewhere.example/x, not the record's URL"
    assert outcome.warnings == (warning,)
    assert [(p.pointer, p.rule, p.message) for p in problems(result)] == [
        ("/ampWebUrl", "link/warning", f"amp link {AMP}: {warning}")]


def test_the_kinds_are_cached_together(tmp_path: Path) -> None:
    routes = router()
    page = routes.get(PAGE).respond(200, html=html())
    cache = tmp_path / "cache.sqlite"
    first = run(routes, used_as(PAGE, LinkKind.PAGE, LinkKind.IMAGE), cache=cache)
    again = run(routes, used_as(PAGE, LinkKind.PAGE, LinkKind.IMAGE), cache=cache)
    assert page.call_count == 1 and verdict(again, PAGE).from_cache
    assert verdict(again, PAGE).per_kind() == verdict(first, PAGE).per_kind()
    only_page = run(routes, used_as(PAGE, LinkKind.PAGE), cache=cache)  # another use: another verdict
    assert page.call_count == 2 and verdict(only_page, PAGE).status is LinkStatus.OK


def test_a_record_using_one_url_as_page_and_image_makes_one_entry_of_both_kinds() -> None:
    record = {"webUrl": PAGE, "originalUrl": PAGE, "images": [{"url": PAGE, "width": 480, "height": 320}]}
    result = RunResult(tool_version="t", started_at="2026-11-26T12:00:00Z")
    add_links(result, extract_links(record, "seeds/a.txt", None))
    (entry,) = result.links.values()
    assert entry.kinds == (LinkKind.PAGE, LinkKind.IMAGE)
    assert entry.image == ImageSpec(480, 320)
    assert [(o.pointer, o.kind) for o in entry.occurrences] == [
        ("/originalUrl", LinkKind.PAGE), ("/webUrl", LinkKind.PAGE), ("/images/0/url", LinkKind.IMAGE)]


def test_a_report_with_kinds_reads_back_as_the_same_run_and_older_reports_still_read() -> None:
    routes = router()
    routes.get(PAGE).respond(200, html=html())
    result = run(routes, used_as(PAGE, LinkKind.PAGE, LinkKind.IMAGE))
    written = report(result)
    again = codec.from_document(written)
    assert again.links[PAGE].result == result.links[PAGE].result
    assert [(o.pointer, o.kind) for o in again.links[PAGE].occurrences] == [
        ("/webUrl", LinkKind.PAGE), ("/images/0/url", LinkKind.IMAGE)]
    assert problems(again) == problems(result)
    older = json.loads(json.dumps(written))
    link = older["links"][0]
    del link["kinds"]
    for occurrence in link["occurrences"]:
        del occurrence["kind"]
    read = codec.from_document(older).links[PAGE]
    assert read.result is not None and read.result.per_kind() == (
        KindVerdict(LinkKind.IMAGE, LinkStatus.MISMATCH, "serves text/html, not an image"),)
    assert {read.kind_of(o) for o in read.occurrences} == {LinkKind.IMAGE}


def test_an_image_used_as_a_page_on_a_host_serving_one_image_for_any_path_is_not_a_catch_all() -> None:
    routes = router()
    routes.route(host="img.example").respond(200, content=png(480, 320), headers={"Content-Type": "image/png"})
    url = "https://img.example/photos/2021/a.png"
    result = run(routes, used_as(url, LinkKind.PAGE, LinkKind.IMAGE, image=(480, 320)))
    assert {kind: status for kind, (status, _) in by_kind(result, url).items()} == {
        LinkKind.PAGE: LinkStatus.OK, LinkKind.IMAGE: LinkStatus.OK}


def test_a_fix_acts_on_the_occurrence_whose_kind_it_resolves() -> None:
    """A page moved permanently on the same site, the URL also used as an image: the page's occurrence is
    offered the new URL (redirected), the image's is not (its verdict is mismatch: no URL update resolves it)."""
    routes = router()
    moved = "https://news.example/moved/1"
    routes.get(PAGE).respond(301, headers={"Location": moved})
    routes.get(moved).respond(200, html=html())
    result = run(routes, used_as(PAGE, LinkKind.PAGE, LinkKind.IMAGE, image=(480, 320)))
    assert by_kind(result, PAGE)[LinkKind.PAGE][0] is LinkStatus.REDIRECTED
    assert by_kind(result, PAGE)[LinkKind.IMAGE][0] is LinkStatus.MISMATCH
    offered = by_occurrence(result.links.values())["seeds/a.txt"]
    assert {pointer: (v.kind, v.status) for pointer, v in offered.items()} == {
        "/webUrl": (LinkKind.PAGE, LinkStatus.REDIRECTED)}


def test_the_markdown_report_says_which_place_uses_the_failing_kind() -> None:
    routes = router()
    routes.get(PAGE).respond(200, html=html())
    result = run(routes, used_as(PAGE, LinkKind.PAGE, LinkKind.IMAGE, image=(480, 320)))
    result.finished_at = result.started_at
    text = "".join(markdown.render(ReportInput.of(result)))
    row = next(line for line in text.splitlines() if line.startswith(f"| {PAGE} |"))
    assert "| page: ok, image: mismatch |" in row
    # the failing place first, each with its kind's verdict
    assert row.endswith("| seeds/a.txt:6:1 (image: mismatch), seeds/a.txt:5:1 (page: ok) |")


def test_a_report_whose_kinds_contradict_its_link_is_refused() -> None:
    """A shard saying 'dead' with every kind fine (or 'ok' hiding a failing kind) must not be merged into counts
    that disagree with its problems: such a report is not a seed-validator report."""
    routes = router()
    routes.get(PAGE).respond(200, html=html())
    written = report(run(routes, used_as(PAGE, LinkKind.PAGE, LinkKind.IMAGE, image=(480, 320))))
    for change in ({"status": "ok", "kind": "page", "reason": "HTTP 200"},  # hides the image's mismatch
                   {"kinds": [written["links"][0]["kinds"][0]] * 2}):  # one kind twice
        forged = json.loads(json.dumps(written))
        forged["links"][0].update(change)
        with pytest.raises(UsageError, match=r"links\[0\]: (status ok \(page\) is not the most urgent|kinds "
                                                       r"must name two or more different kinds)"):
            codec.from_document(forged)
