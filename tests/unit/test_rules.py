"""One fixture per domain rule: rule id, severity, pointer, line and column."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import position_of, real_seed_text, variant
from tests.unit.test_schema import NOW, findings
from validator.load import parse_text
from validator.models import Finding, Severity
from validator.validate.duplicates import DuplicateArticles
from validator.validate.rules import RULES, RuleContext, Subject, future_date

REASON_AMP = "https://reason.com/2021/04/09/cops-are-using-facial-recognition-technology-more-than-previously-revealed/?amp"


def rule_findings(text: str, rule: str) -> list[Finding]:
    return [f for f in findings(text) if f.rule == rule]


def test_rule_ids_are_unique_and_namespaced() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("seed/") for i in ids)


def test_amp_cache_url_mismatch_names_the_expected_url() -> None:
    text = variant(('cdnAmpWebUrl: "https://reason-com.cdn', 'cdnAmpWebUrl: "https://reason.cdn'))
    [f] = findings(text)
    assert (f.rule, f.severity, f.pointer) == ("seed/amp-cache-url", Severity.ERROR, "/cdnAmpWebUrl")
    assert (f.line, f.column) == position_of(text, '"https://reason.cdn')
    assert "expected https://reason-com.cdn.ampproject.org/c/s/reason.com/" in f.message


def test_amp_cache_url_of_a_related_item() -> None:
    text = variant(("www-itweb-co-za.cdn", "itweb-co-za.cdn"))
    [f] = findings(text)
    assert (f.rule, f.pointer) == ("seed/amp-cache-url", "/related/2/cdnAmpWebUrl")


def test_amp_cache_http_origin_has_no_s_segment() -> None:
    text = variant((f'ampWebUrl: "{REASON_AMP}"', f'ampWebUrl: "{REASON_AMP.replace("https:", "http:")}"'))
    [f] = findings(text)
    assert f.rule == "seed/amp-cache-url" and "/c/reason.com/" in f.message


def test_provider_domain_mismatch_is_a_warning_per_url() -> None:
    text = variant(("  domain: reason.com", "  domain: reason.org"))
    found = rule_findings(text, "seed/provider-domain")
    assert [(f.pointer, f.severity) for f in found] == [
        ("/webUrl", Severity.WARNING), ("/originalUrl", Severity.WARNING)]
    assert found[0].message == "webUrl host 'reason.com' is not on provider.domain 'reason.org'"


@pytest.mark.parametrize("host, domain", [
    ("www.techradar.com", "techradar.com"),          # www and subdomains of the provider's domain
    ("news.bbc.co.uk", "bbc.co.uk"),
    ("www.itweb.co.za", "www.itweb.co.za"),
    ("techradar.com", "www.techradar.com"),          # same registrable domain
])
def test_provider_domain_accepts_subdomains_and_the_same_registrable_domain(host: str, domain: str) -> None:
    text = variant(("https://www.techradar.com/news/thousands", f"https://{host}/news/thousands"),
                   ("      domain: techradar.com", f"      domain: {domain}"))
    assert rule_findings(text, "seed/provider-domain") == []


def test_provider_domain_is_not_fooled_by_a_shared_public_suffix() -> None:
    text = variant(("https://www.itweb.co.za/content", "https://www.evil.co.za/content"))
    found = rule_findings(text, "seed/provider-domain")
    assert [f.pointer for f in found] == ["/related/2/webUrl"]


def test_future_publication_date_uses_the_injected_clock_and_tolerance() -> None:
    record = Subject.of({"publishedDateTime": "2026-01-01T20:00:00Z"})
    assert list(future_date(record, RuleContext(now=NOW))) == []  # within 24 h
    hits = list(future_date(record, RuleContext(now=NOW, future_tolerance=timedelta(hours=1))))
    assert [h.pointer for h in hits] == ["/publishedDateTime"]
    text = variant(("publishedDateTime: 2021-04-09T11:00:00Z", "publishedDateTime: 2030-04-09T11:00:00+02:00"))
    [f] = findings(text)
    assert (f.rule, f.severity, f.line, f.column) == (
        "seed/future-date", Severity.ERROR, *position_of(text, "2030-04-09"))


@pytest.mark.parametrize("date, problem", [("2031-04-07T22:00:00Z", "in the future"),
                                           ("1989-04-07T22:00:00Z", "before the web existed")])
def test_related_items_absurdly_dated(date: str, problem: str) -> None:
    text = variant(("publishedDateTime: 2021-04-07T22:00:00Z", f"publishedDateTime: {date}"))
    [f] = findings(text)
    assert (f.rule, f.severity, f.pointer) == ("seed/related-date", Severity.WARNING, "/related/0/publishedDateTime")
    assert problem in f.message


WEB = "https://gizmodo.com/dallas-police-used-face-recognition-software-without-au-1846631918"


@pytest.mark.parametrize("url, rule, severity, message", [
    ("", "seed/url-empty", Severity.ERROR, "URL is empty"),
    ("   ", "seed/url-empty", Severity.ERROR, "URL is empty"),
    (" " + WEB, "seed/url-whitespace", Severity.ERROR, "URL contains whitespace"),
    (WEB.replace("police-used", "police used"), "seed/url-whitespace", Severity.ERROR, "whitespace"),
    (WEB.replace("https:", "ftp:"), "seed/url-scheme", Severity.ERROR, "scheme 'ftp:'"),
    (WEB.replace("https://", ""), "seed/url-scheme", Severity.ERROR, "no scheme"),
    (WEB.replace("police-used", "police\u00e2\u20ac\u201cused"), "seed/url-mojibake", Severity.ERROR,
     "did you mean https://gizmodo.com/dallas-police\u2013used"),
    (WEB.replace("police-used", "polic\u00c3\u00a9-used"), "seed/url-mojibake", Severity.ERROR, "polic\u00e9-used"),
    (WEB.replace("police-used", "polic\u00e9-used"), "seed/url-non-ascii", Severity.WARNING,
     "write it as https://gizmodo.com/dallas-polic%C3%A9-used"),

    ("http://[::1/", "seed/url-malformed", Severity.ERROR, "Invalid IPv6 URL"),
    ("http://[x]/", "seed/url-malformed", Severity.ERROR, "does not appear to be an IPv4 or IPv6 address"),
    ("http://a\u2100b.com/", "seed/url-malformed", Severity.ERROR, "invalid characters under NFKC normalization"),
    ("https://\uff45xample.com/a", "seed/url-malformed", Severity.ERROR,
     "changes under Unicode normalisation (NFKC) into 'example.com'"),
    ("https://gizmodo.com:99999/a", "seed/url-malformed", Severity.ERROR, "Port out of range"),
    ("https://gizmodo.com:x/a", "seed/url-malformed", Severity.ERROR, "Port could not be cast"),
    ("http://", "seed/url-no-host", Severity.ERROR, "URL has no host"),
    ("https:///path", "seed/url-no-host", Severity.ERROR, "URL has no host"),
    ("http://:80/a", "seed/url-no-host", Severity.ERROR, "URL has no host"),
])
def test_url_hygiene(url: str, rule: str, severity: Severity, message: str) -> None:
    text = variant((f'webUrl: "{WEB}"', f'webUrl: "{url}"'))
    found = [f for f in findings(text) if f.pointer == "/related/1/webUrl" and f.rule != "seed/provider-domain"]
    assert [(f.rule, f.severity) for f in found] == [(rule, severity)]  # schema/format is superseded
    assert message in found[0].message
    assert (found[0].line, found[0].column) == position_of(text, f'webUrl: "{url}"', offset=8)


def test_a_megabyte_url_is_quoted_shortened() -> None:
    text = variant((f'webUrl: "{WEB}"', f'webUrl: "ftp://{"x" * 1_000_000}"'))
    [found] = rule_findings(text, "seed/url-scheme")
    assert len(found.message) < 300


@pytest.mark.parametrize("url", [
    "ftp://user:{secret}@files.example/a",  # seed/url-scheme
    "https://user:{secret}@gizmodo.com:99999/a",  # seed/url-malformed
    "https://user:{secret}@gizmodo.com/a b",  # seed/url-whitespace
    "https://{secret}@gizmodo.com/polic\u00e9-used" + "/x" * 100,  # seed/url-non-ascii, a long URL
])
def test_a_long_secret_is_masked_before_a_message_is_shortened(url: str) -> None:
    secret = "S3CR3T" * 60  # longer than a quoted value: a cut before the '@' must not leave part of it
    text = variant((f'webUrl: "{WEB}"', f'webUrl: "{url.format(secret=secret)}"'))
    found = [f for f in findings(text) if f.rule.startswith(("seed/url-", "schema/"))]
    assert found and all("S3CR3T" not in f.message for f in found), [f.message for f in found]


def test_non_ascii_host_is_shown_punycoded() -> None:
    text = variant((f'webUrl: "{WEB}"', 'webUrl: "https://bücher.example/a"'))
    found = rule_findings(text, "seed/url-non-ascii")
    assert "https://xn--bcher-kva.example/a" in found[0].message


def test_image_urls_and_provider_images_are_hygiene_checked_too() -> None:
    text = variant(('url: "https://s7d2.scene7.com/is/image/TWCNews/buzzfeed"', 'url: ""'))
    assert [(f.rule, f.pointer) for f in findings(text)] == [("seed/url-empty", "/related/4/images/0/url")]


def _record(text: str) -> tuple[dict[str, object], object]:
    loaded = parse_text(text, "x")
    assert loaded.record is not None
    return loaded.record, loaded.source


def test_duplicate_article_across_files_names_both_files() -> None:
    tracker = DuplicateArticles()
    record, source = _record(real_seed_text())
    assert tracker.add("seeds/a.txt", record, source) == []  # type: ignore[arg-type]
    other = variant(("https://reason.com/2021/04/09/cops-are-using-facial-recognition-technology-more-than-"
                     'previously-revealed/"\nwebUrl',
                     "https://REASON.com:443/2021/04/09/cops-are-using-facial-recognition-technology-more-than-"
                     'previously-revealed/#top"\nwebUrl'))
    record2, source2 = _record(other)
    found = tracker.add("seeds/b.txt", record2, source2)  # type: ignore[arg-type]
    assert [(f.file, f.rule, f.severity, f.pointer, f.line) for f in found] == [
        ("seeds/b.txt", "seed/duplicate-article", Severity.WARNING, "/webUrl", 7)]
    assert "same article as seeds/a.txt" in found[0].message


def test_related_items_may_repeat_across_files() -> None:
    tracker = DuplicateArticles()
    record, source = _record(real_seed_text())
    article = "reason.com/2021/04/09/cops-are-using-facial-recognition-technology-more-than-previously-revealed/"
    other = variant((f'{article}"\nwebUrl', 'reason.com/other"\nwebUrl'),
                    ('webUrl: "https://reason.com/2021/04/09/cops-are-using-facial-recognition-technology-more-than-'
                     'previously-revealed/"', 'webUrl: "https://reason.com/other"'))
    record2, source2 = _record(other)
    tracker.add("a.txt", record, source)  # type: ignore[arg-type]
    assert tracker.add("b.txt", record2, source2) == []  # type: ignore[arg-type]

