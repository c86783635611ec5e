"""The quick text scans (front matter's closing fence, the article URLs of files a run does not check)
find exactly what the line regexes they replaced found, and what a full parse reads."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus import record_text
from validator.load import front_matter, parse_text
from validator.validate.duplicates import _article_values, article_urls, scan_article_urls

# The regexes the scans replaced (^ with MULTILINE tries every position; the scans jump between lines).
OLD_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
OLD_ARTICLE_LINE = re.compile(r"^(?:webUrl|originalUrl):[ \t]*(\S.*?)[ \t]*\r?$", re.MULTILINE)


def old_front_matter(text: str) -> str | None:
    end = text.find("\n")
    if (text if end < 0 else text[:end]).rstrip() != "---" or end < 0:
        return None
    closing = OLD_FENCE.search(text, end + 1)
    return None if closing is None else text[: closing.start()]


_LINES = st.one_of(
    st.sampled_from(["---", "...", "--- ", "---\r", "----", " ---", "...x", "webUrl: a", "originalUrl:  b c ",
                     "webUrl:", "webUrl:\t", "webUrl: x\r", " webUrl: y", "webUrlx: z", "originalUrl: \"q\"",
                     "title: t", "", "webUrl: 'it''s' ", "a: ---", "webUrl: x \r\r", "webUrl:\x0bx", "webUrl: \u00a0x",
                     "webUrl: x\u00a0", "webUrl:\r", "webUrl: \t\r"]),
    st.builds(lambda key, text: f"{key}:{text}", st.sampled_from(["webUrl", "originalUrl"]),
              st.text(st.sampled_from(" \t\r\x0b\u00a0\u2028ab#'\""), max_size=8)))


@settings(max_examples=800, deadline=None)
@given(st.lists(_LINES, max_size=12), st.booleans())
def test_scans_find_what_the_line_regexes_found(lines: list[str], final_newline: bool) -> None:
    text = "\n".join(lines) + ("\n" if final_newline else "")
    assert front_matter(text) == old_front_matter(text)
    values = _article_values("\n" + text)  # None: the file is parsed instead (see below)
    assert values is None or sorted(values) == sorted(m.group(1) for m in OLD_ARTICLE_LINE.finditer(text))


def test_scanned_urls_are_the_parsed_ones(tmp_path: Path) -> None:
    for index in range(120):
        path = tmp_path / f"{index}.txt"
        path.write_text(record_text(index), encoding="utf-8")
        loaded = parse_text(path.read_text(encoding="utf-8"), path.name)
        if loaded.record is not None:
            assert sorted(scan_article_urls(path)) == sorted(article_urls(loaded.record)), index



URL = "https://news.example/2021/04/09/story"
SPELLINGS = {  # how a record may write its article URLs, each read by a full load as URL
    "plain": f"webUrl: {URL}\noriginalUrl: {URL}\n",
    "quoted keys": f'"webUrl": "{URL}"\n"originalUrl": "{URL}"\n',
    "single-quoted key": f"'webUrl': '{URL}'\n",
    "next line": f'webUrl:\n  "{URL}"\noriginalUrl:\n  {URL}\n',
    "folded": f"webUrl: >-\n  {URL}\n",
    "literal": f"originalUrl: |-\n  {URL}\n",
    "space before colon": f"webUrl : {URL}\n",
    "explicit key": f"? webUrl\n: {URL}\n",
    "comment, then the next line": f"webUrl: # the article\n  {URL}\n",
}


def test_every_spelling_of_an_article_url_is_found_as_a_full_load_finds_it(tmp_path: Path) -> None:
    """The duplicate rule reads the files a run does not check by this scan: a spelling it missed made a
    one-file CI run (and shards) miss a duplicate the whole-corpus run reports."""
    for name, lines in SPELLINGS.items():
        path = tmp_path / "seed.txt"
        path.write_text(f"---\ntitle: t\n{lines}type: article\n---\n", encoding="utf-8")
        loaded = parse_text(path.read_text(encoding="utf-8"), path.name)
        assert loaded.record is not None, name
        assert set(article_urls(loaded.record)) == {URL}, name
        assert set(scan_article_urls(path)) == {URL}, name


def test_a_line_inside_a_multi_line_title_is_not_an_article_url(tmp_path: Path) -> None:
    """`webUrl: …` at column 0 inside a quoted title that runs over lines is the title's text: the scan must
    not read it as this file's article (a one-file run warned of a duplicate the whole run did not see)."""
    for opened in (f'"a title\nwebUrl: {URL}\n still the title"', f"'a title\nwebUrl: {URL}\n title'",
                   f"[a,\nwebUrl: {URL}]"):
        path = tmp_path / "seed.txt"
        path.write_text(f"---\ntitle: {opened}\noriginalUrl: https://other.example/x\n---\n", encoding="utf-8")
        loaded = parse_text(path.read_text(encoding="utf-8"), path.name)
        assert loaded.record is not None and "webUrl" not in loaded.record, opened
        assert scan_article_urls(path) == article_urls(loaded.record) == ["https://other.example/x"], opened


# What YAML reads differently from the scan's lines (an attacker trial's finds): a lone CR, NEL, LS or PS is a
# line break to YAML, and a tab may start a comment. The scan must answer as the full parse does.
_ODD = [
    "---\ntitle: a\roriginalUrl: https://a.example/1\rwebUrl: https://a.example/1\n---\n",
    "---\ntitle: a\u2028webUrl: https://a.example/2\n---\n",
    "---\ntitle: a\x85webUrl: https://a.example/3\n---\n",
    "---\ntitle: a\u2029webUrl: https://a.example/4\n---\n",
    '---\nwebUrl: "https://a.example/5"\t# a comment\n---\n',
    "---\nwebUrl: https://a.example/6\t#c\n---\n",
    "---\nwebUrl:\thttps://a.example/7\n---\n",
]


def test_the_scan_reads_article_urls_as_the_parse_does_whatever_yaml_calls_a_line(tmp_path: Path) -> None:
    for n, text in enumerate(_ODD):
        path = tmp_path / f"{n}.txt"
        path.write_bytes(text.encode("utf-8"))
        record = parse_text(text, path.name).record
        assert scan_article_urls(path) == (article_urls(record) if record is not None else []), repr(text)
