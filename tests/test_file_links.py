"""Links to seed files in report.md and report.html are RFC 3986 URI references, whatever the file is called
(issue 15.7): `a b#c%41.txt` is linked as `a%20b%23c%2541.txt`, not as a fragment or a different file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.capped import run_capped
from tests.conftest import position_of, variant

NAME, ENCODED = "a b#c%41.txt", "a%20b%23c%2541.txt"


def write_corpus(root: Path) -> int:
    """A seed file with an awkward name and a finding on a line; that line."""
    (root / "seeds").mkdir()
    text = variant(("quality: 37", "quality: lots"))
    (root / "seeds" / NAME).write_text(text, encoding="utf-8")
    return position_of(text, "lots")[0]


def test_markdown_and_html_link_files_percent_encoded(tmp_path: Path) -> None:
    line = write_corpus(tmp_path)
    done = run_capped("check", "--offline", "--format", "md,html", "--output-dir", "out/reports", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"seeds/{NAME}:{line}:" in done.stdout  # the console names the file as it is
    markdown = (tmp_path / "out" / "reports" / "report.md").read_text(encoding="utf-8")
    assert f"| [{line}](../../seeds/{ENCODED}#L{line}) |" in markdown
    assert f"### `seeds/{NAME}`" in markdown  # as text, the name is the name
    page = (tmp_path / "out" / "reports" / "report.html").read_text(encoding="utf-8")
    data = re.search(r'<script id="report-data" type="application/json">(.*?)</script>', page, re.S)
    assert data is not None
    assert json.loads(data.group(1))["hrefs"] == {f"seeds/{NAME}": f"../../seeds/{ENCODED}"}


def test_the_way_back_to_the_files_is_percent_encoded_too(tmp_path: Path) -> None:
    corpus = tmp_path / "my #1 corpus"
    corpus.mkdir()
    line = write_corpus(corpus)
    done = run_capped("check", "--offline", "--format", "md,html", "--output-dir", str(tmp_path / "reports"),
                      cwd=corpus)
    assert done.returncode == 1, done.stdout + done.stderr
    back = f"../my%20%231%20corpus/seeds/{ENCODED}"  # a '#' in a folder's name is not a fragment
    assert f"| [{line}]({back}#L{line}) |" in (tmp_path / "reports" / "report.md").read_text(encoding="utf-8")
    page = (tmp_path / "reports" / "report.html").read_text(encoding="utf-8")
    assert f'href="{back}#L{line}"' in page  # the row the page shows without JavaScript


def test_an_absolute_link_base_is_kept_as_given(tmp_path: Path) -> None:
    line = write_corpus(tmp_path)
    base = "https://example.org/o/r/blob/0123abc/"
    done = run_capped("check", "--offline", "--format", "md,html", "--link-base", base, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"| [{line}]({base}seeds/{ENCODED}#L{line}) |" in (tmp_path / "reports" / "report.md").read_text(
        encoding="utf-8")
    page = (tmp_path / "reports" / "report.html").read_text(encoding="utf-8")
    data = re.search(r'<script id="report-data" type="application/json">(.*?)</script>', page, re.S)
    assert data is not None and json.loads(data.group(1))["hrefs"] == {f"seeds/{NAME}": f"{base}seeds/{ENCODED}"}
