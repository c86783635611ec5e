"""Which fixes are planned, and how safe they are: URL hygiene, the AMP cache URL, link verdicts, null items."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import variant
from validator import cli
from validator.fix import links
from validator.fix.model import Safety
from validator.fix.plan import clean_url, plan
from validator.fix.source import Source, parse_source
from validator.fix.verify import apply_fixes
from validator.models import ArchivedCopy, LinkKind, LinkStatus

WEB = "https://reason.com/2021/04/09/cops-are-using-facial-recognition-technology-more-than-previously-revealed/"
AMP_LINE = f'ampWebUrl: "{WEB}?amp"'
SNAPSHOT = ArchivedCopy("https://web.archive.org/web/20210409110000/" + WEB, "2021-04-09T11:00:00Z")


def source(*replacements: tuple[str, str]) -> Source:
    parsed = parse_source(variant(*replacements), "seeds/a.txt")
    assert parsed is not None
    return parsed


def verdict(status: LinkStatus, url: str = WEB, *, final: str | None = None, kind: LinkKind = LinkKind.PAGE,
            archived: ArchivedCopy | None = None) -> links.LinkVerdict:
    return links.LinkVerdict(url, kind, status, final, archived)


@pytest.mark.parametrize(("written", "cleaned"), [
    ("  https://a.example/x\t", ("https://a.example/x", ("seed/url-whitespace",))),
    ("https://a.example/caf\u00c3\u00a9", ("https://a.example/caf%C3%A9", ("seed/url-mojibake", "seed/url-non-ascii"))),
    ("https://a.example/ü", ("https://a.example/%C3%BC", ("seed/url-non-ascii",))),
    ("https://bücher.example/ü", ("https://xn--bcher-kva.example/%C3%BC", ("seed/url-non-ascii",))),
    ("https://a.example/a b", None),  # whitespace inside: only a person knows what belongs there
    ("   ", None),
])
def test_clean_url_takes_every_step_a_second_run_would_ask_for(written: str, cleaned: object) -> None:
    assert clean_url(written) == cleaned


def test_a_permanent_redirect_on_the_same_site_is_safe_and_another_site_is_not() -> None:
    same = verdict(LinkStatus.REDIRECTED, final=WEB.replace("https://reason.com", "https://www.reason.com"))
    other = verdict(LinkStatus.REDIRECTED, final="https://parked-domains.example/landing")
    assert links.replacement(same, WEB) == links.Replacement(same.final_url or "", Safety.SAFE,
                                                             f"update the permanently redirected URL to "
                                                             f"{same.final_url}")
    replacement = links.replacement(other, f"  {WEB} ")
    assert replacement is not None and replacement.safety is Safety.UNSAFE and "parked" in replacement.title


def test_link_fixes_skip_stale_verdicts_derived_urls_and_embeds() -> None:
    moved = WEB.replace("https://", "https://www.")
    assert links.replacement(verdict(LinkStatus.REDIRECTED, final=moved), "https://reason.com/other") is None
    for kind in (LinkKind.AMP_CACHE, LinkKind.EMBED):
        assert links.replacement(verdict(LinkStatus.REDIRECTED, final=moved, kind=kind), WEB) is None
    assert links.replacement(verdict(LinkStatus.DEAD, kind=LinkKind.AMP, archived=SNAPSHOT), WEB) is None
    assert links.replacement(verdict(LinkStatus.DEAD), WEB) is None  # no snapshot known
    assert links.replacement(verdict(LinkStatus.REDIRECTED, final="ftp://reason.com/x"), WEB) is None


def test_a_verdict_that_changes_nothing_plans_nothing() -> None:
    same = {"/webUrl": verdict(LinkStatus.REDIRECTED, final=WEB)}  # e.g. a report that claims a loop onto itself
    assert plan(source(), {("/webUrl", "link/redirected")}, same, unsafe=True) == ([], [])


def test_a_redirect_keeps_the_fragment_the_record_had() -> None:
    written = WEB + "#comments"
    final = links.replacement(verdict(LinkStatus.REDIRECTED, written, final="https://www.reason.com/story"), written)
    assert final is not None and final.url == "https://www.reason.com/story#comments"


def test_a_dead_link_gets_its_archived_copy_only_with_unsafe_fixes() -> None:
    record = source()
    dead = {"/webUrl": verdict(LinkStatus.DEAD, archived=SNAPSHOT)}
    reported = {("/webUrl", "link/dead")}
    assert plan(record, reported, dead, unsafe=False)[0] == []
    (fix,), notes = plan(record, reported, dead, unsafe=True)
    assert notes == [] and fix.safety is Safety.UNSAFE and fix.resolves == (("/webUrl", "link/dead"),)
    assert [(c.pointer, c.new) for c in fix.changes] == [("/webUrl", SNAPSHOT.url)]


def test_a_redirected_amp_page_brings_its_cache_url_along_in_one_fix() -> None:
    record = source()
    moved = "https://www.reason.com/story/?amp"
    redirected = {"/ampWebUrl": verdict(LinkStatus.REDIRECTED, WEB + "?amp", final=moved, kind=LinkKind.AMP)}
    (fix,), _ = plan(record, {("/ampWebUrl", "link/redirected")}, redirected, unsafe=False)
    assert fix.safety is Safety.SAFE
    assert [(c.pointer, c.new) for c in fix.changes] == [
        ("/ampWebUrl", moved), ("/cdnAmpWebUrl", "https://www-reason-com.cdn.ampproject.org/c/s/www.reason.com/story/?amp")]
    assert len(fix.edits) == 2 and apply_fixes(record, [fix]).applied == (fix,)


def test_a_wrong_cache_url_follows_the_fixed_amp_url_not_the_broken_one() -> None:
    record = source((AMP_LINE, f'ampWebUrl: " {WEB}?ämp"'))
    reported = {("/ampWebUrl", "seed/url-whitespace"), ("/cdnAmpWebUrl", "seed/amp-cache-url")}
    (fix,), _ = plan(record, reported, {}, unsafe=False)
    new_amp = f"{WEB}?%C3%A4mp"
    assert [(c.pointer, c.new) for c in fix.changes] == [
        ("/ampWebUrl", new_amp), ("/cdnAmpWebUrl", "https://reason-com.cdn.ampproject.org/c/s/" + new_amp[8:])]
    assert set(fix.resolves) == reported


def test_a_fix_is_planned_only_for_what_was_reported() -> None:
    record = source((f'webUrl: "{WEB}"', f'webUrl: " {WEB}"'))
    assert plan(record, set(), {}, unsafe=True) == ([], [])
    assert len(plan(record, {("/webUrl", "seed/url-whitespace")}, {}, unsafe=True)[0]) == 1


def test_what_cannot_be_edited_safely_is_left_with_a_note() -> None:
    record = source(("  - AI\n", "  - AI\n  -  # keep this comment\n"),
                    (f'webUrl: "{WEB}"', f'webUrl: !!str " {WEB}"'))
    fixes, notes = plan(record, {("/topics/2", "seed/null-topic"), ("/webUrl", "seed/url-whitespace")}, {},
                        unsafe=True)
    assert fixes == []
    assert notes == ["seeds/a.txt: /webUrl: not fixed (trim the whitespace around the URL): the scalar's text is "
                     "not where the parser placed it (a tag or an odd encoding?)",
                     "seeds/a.txt: /topics: empty items not removed: the item's line holds more than '- ' (a comment, "
                     "or the item on its own line)"]


def test_a_report_given_with_from_report_is_checked_before_anything_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text(variant(), encoding="utf-8")
    for text, problem in (("[" * 50000 + "]" * 50000, "is nested more than 64 levels deep"), ("{", "is not valid JSON"),
                          ('{"format_version": 2}', "format_version 1"),
                          ('{"format_version": 1, "links": [{"url": 1}]}', "is not a seed-validator JSON report: ")):
        report = tmp_path / "report.json"
        report.write_text(text, encoding="utf-8")
        assert cli.main(["check", "--fix", "--from-report", str(report)]) == 2
        assert problem in capsys.readouterr().err
        assert not (tmp_path / "reports").exists()  # nothing ran
