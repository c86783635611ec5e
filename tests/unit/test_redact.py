"""Credentials in URLs: masked in the one URL a link is known by, in every message, and in file links' encoding."""

from __future__ import annotations

import pytest

from tests.conftest import variant
from tests.unit.test_rules import WEB, rule_findings
from tests.unit.test_schema import findings
from validator import amp
from validator.hrefs import file_uri_path
from validator.models import Finding, LinkEntry, LinkKind, LinkRef, LinkResult, LinkStatus, Occurrence, Severity
from validator.urls import has_userinfo, normalise, redact, redact_text


@pytest.mark.parametrize("url, redacted", [
    ("https://user:s3cret@news.example/a", "https://user:***@news.example/a"),
    ("https://ghp_T0KEN@news.example/a", "https://***@news.example/a"),        # a lone user name: often a token
    ("https://user:@news.example/", "https://user:***@news.example/"),
    ("https://u:p@ss@news.example:8443/x?q=a@b#f@g", "https://u:***@news.example:8443/x?q=a@b#f@g"),  # last '@'
    ("HTTP://U:P@news.example", "HTTP://U:***@news.example"),
    ("//u:p@news.example/", "//u:***@news.example/"),                        # scheme-relative
    ("ftp://u:p@files.example/", "ftp://u:***@files.example/"),
    ("https://user:***@news.example/", "https://user:***@news.example/"),    # idempotent
    ("https://news.example/a@b", "https://news.example/a@b"),                # '@' in the path: no user information
    ("https://news.example?x=@y", "https://news.example?x=@y"),
    ("https://@news.example/", "https://@news.example/"),                    # empty: nothing to hide
    ("mailto:someone@news.example", "mailto:someone@news.example"),
])
def test_redact_masks_the_password_or_a_lone_user_name(url: str, redacted: str) -> None:
    assert redact(url) == redacted
    assert redact(redacted) == redacted
    assert has_userinfo(url) == (redacted != url or "***" in url)


def test_redact_text_masks_every_url_in_a_message() -> None:
    text = "'https://a:one@x.example/p' is not a 'uri'; see //two@y.example and https://z.example/a@b, ftp://c:3@w"
    assert redact_text(text) == ("'https://a:***@x.example/p' is not a 'uri'; see //***@y.example and "
                                 "https://z.example/a@b, ftp://c:***@w")


def test_every_value_that_holds_a_url_holds_it_redacted() -> None:
    here = Occurrence("seeds/a.txt", "/webUrl", 3)
    ref = LinkRef("https://u:s3cret@a.example/", LinkKind.AMP, here, canonical_candidates=("https://k3y@b.example/",))
    assert (ref.url, ref.canonical_candidates) == ("https://u:***@a.example/", ("https://***@b.example/",))
    entry = LinkEntry("https://u:s3cret@a.example/", LinkKind.PAGE, canonical_candidates={"https://k3y@b.example/"})
    assert (entry.url, entry.canonical_candidates) == ("https://u:***@a.example/", {"https://***@b.example/"})
    result = LinkResult("https://u:s3cret@a.example/", LinkKind.PAGE, LinkStatus.ERROR,
                        "redirect loop back to https://admin:hunter2@c.example/", final_url="https://admin:hunter2@c/",
                        redirects=("https://u:s3cret@a.example/", "https://admin:hunter2@c/"),
                        warnings=("canonical is https://admin:hunter2@c/",))
    assert "s3cret" not in repr(result) and "hunter2" not in repr(result)
    assert result.final_url == "https://admin:***@c/" and result.redirects[1] == "https://admin:***@c/"
    finding = Finding("seeds/a.txt", 1, 1, "/webUrl", "schema/format", Severity.ERROR,
                      "'https://u:s3cret@a.example/' is not a 'uri'")
    assert finding.message == "'https://u:***@a.example/' is not a 'uri'"


def test_redacted_urls_keep_distinct_identities_apart_from_the_secret() -> None:
    assert normalise(redact("https://u:one@a.example/")) == normalise(redact("https://u:two@a.example/"))
    assert normalise(redact("https://u:one@a.example/")) != normalise(redact("https://v:one@a.example/"))
    assert normalise(redact("https://u:one@a.example/")) != normalise("https://a.example/")


def test_a_seed_url_with_credentials_is_a_warning_that_does_not_repeat_them() -> None:
    text = variant((f'webUrl: "{WEB}"', 'webUrl: "https://editor:s3cret-t0ken@gizmodo.com/a"'))
    [found] = rule_findings(text, "seed/url-credentials")
    assert (found.severity, found.pointer) == (Severity.WARNING, "/related/1/webUrl")
    assert all("s3cret-t0ken" not in f.message for f in findings(text))


def test_url_rules_quote_urls_redacted() -> None:
    text = variant((f'webUrl: "{WEB}"', 'webUrl: "https://editor:s3cret t0ken@gizmodo.com/a"'))
    quoted = [f.message for f in findings(text)]
    assert any("URL contains whitespace: 'https://editor:***@gizmodo.com/a'" in m for m in quoted), quoted
    assert not any("s3cret" in m or "t0ken" in m for m in quoted), quoted


def test_the_amp_cache_url_of_a_url_with_credentials_has_none() -> None:
    assert amp.cache_url("https://u:p@www.example.com/a?amp") == \
        "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a?amp"


@pytest.mark.parametrize("path, encoded", [
    ("seeds/a b#c%41.txt", "seeds/a%20b%23c%2541.txt"),
    ("../seeds/é?[x]&y;z.md", "../seeds/%C3%A9%3F%5Bx%5D%26y%3Bz.md"),
    ("seeds/plain-name_1.~txt", "seeds/plain-name_1.~txt"),
])
def test_file_paths_become_rfc3986_path_references(path: str, encoded: str) -> None:
    assert file_uri_path(path) == encoded
