"""No output injection: file names, keys and values from seeds never break a console line, forge a GitHub
workflow command, or become Markdown or JUnit structure; they are shown with visible escapes (`\\n`, `\\x1b`)."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import REAL_SEED, real_seed_text
from tests.test_cli import run
from validator.ci import github
from validator.report.escape import console_line, markdown_text, visible, web_link

FORGED = "\n::error file=README.md::forged"
EVIL_NAME = f"evil{FORGED}.txt"
TICKS = "a`|*b.txt"
OWN_COMMAND = re.compile(r"::(error|warning) file=[^:]*(,line=\d+,col=\d+)?,title=[A-Za-z/-]+::")
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(REAL_SEED, seeds / "a.txt")
    # The same article again under hostile names: the duplicate rule quotes the other file's name raw.
    (seeds / EVIL_NAME).write_text(real_seed_text().replace(
        "quality: 37", 'quality: 37\n"k\\n::error file=README.md::key\\e[31m##[add-mask]x": 1'), encoding="utf-8")
    (seeds / TICKS).write_text(real_seed_text(), encoding="utf-8")
    (tmp_path / "::warning file=x::top.txt").write_text(real_seed_text().replace("quality: 37", "quality: q"),
                                                        encoding="utf-8")
    return tmp_path


def lines_of(text: str) -> list[str]:
    """Lines as the Actions runner reads them: \\n and \\r both end a line."""
    return re.split(r"\r\n|\r|\n", text)


def test_console_and_annotations_carry_no_raw_break_and_no_forged_command(corpus: Path) -> None:
    done = run("check", "--offline", "seeds", "::warning file=x::top.txt", cwd=corpus, env={"GITHUB_ACTIONS": "true"})
    assert done.returncode == 1, done.stderr
    output = done.stdout + done.stderr
    assert not RAW_CONTROL.search(output) and "##[" not in output
    commands = [line for line in lines_of(output) if line.lstrip().startswith("::")]
    assert commands and all(OWN_COMMAND.match(line) for line in commands), commands
    problems = [line for line in lines_of(done.stdout) if line.startswith(("seeds/", "\\x3a"))]
    assert len(commands) == len(problems)  # one annotation per problem line, and no other command
    # The hostile text is still there, escaped so a reader sees it.
    assert f"seeds/evil{visible(FORGED)}.txt" in done.stdout
    assert "\\x3a:warning file=x::top.txt:" in done.stdout  # a name starting with '::' does not start a line
    assert "k\\n::error file=README.md::key\\x1b[31m##\\x5badd-mask]x" in done.stdout
    annotation = next(line for line in commands if "evil" in line)
    assert "evil\\n%3A%3Aerror file=README.md%3A%3Aforged.txt" in annotation  # escaped, then GitHub's escaping


def test_markdown_cells_and_headings_are_escaped(corpus: Path) -> None:
    assert run("check", "--offline", cwd=corpus).returncode == 1
    markdown = (corpus / "reports" / "report.md").read_text(encoding="utf-8")
    assert not RAW_CONTROL.search(markdown)
    assert not any(line.lstrip().startswith("::") for line in markdown.splitlines())
    assert f"### seeds/evil{markdown_text(FORGED)}.txt — " in markdown
    assert "### seeds/a\\`\\|\\*b.txt — " in markdown  # backticks, pipes and emphasis as text
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and "seed/duplicate-article" in line]
    assert rows and all(len(re.findall(r"(?<!\\)\|", line)) == 6 for line in rows)  # five cells, no more
    link = re.search(r"\[\d+\]\(\.\./(seeds/evil[^)]*)#L\d+\)", markdown)
    assert link is not None and link.group(1) == "seeds/evil%0A%3A%3Aerror%20file%3DREADME.md%3A%3Aforged.txt"


def test_junit_names_and_texts_are_escaped(corpus: Path) -> None:
    assert run("check", "--offline", "--format", "junit,json", cwd=corpus).returncode == 1
    text = (corpus / "reports" / "report.junit.xml").read_text(encoding="utf-8")
    suite = ET.fromstring(text)
    names = {case.get("name") for case in suite.iter("testcase")}
    assert f"seeds/evil{visible(FORGED)}.txt" in names
    for case in suite.iter("testcase"):
        for element in case:
            body = element.text or ""
            for line in body.split("\n"):  # the lines are the tool's own; none is broken by a name or key
                assert line.startswith(("seeds/", "::warning")), line
            assert not RAW_CONTROL.search(body + (element.get("message") or ""))
    report = json.loads((corpus / "reports" / "report.json").read_text(encoding="utf-8"))
    assert any(FORGED in v["file"] for v in report["violations"])  # the data itself is kept as it is


@pytest.mark.parametrize(("text", "shown"), [
    ("a\nb\rc\td", "a\\nb\\rc\\td"), ("\x1b[2J\x00\x7f\x85", "\\x1b[2J\\x00\\x7f\\x85"),
    ("x\u2028y\u202ez", "x\\u2028y\\u202ez"), ("caf\udce9", "caf\\udce9"), ("plain ✓", "plain ✓"),
])
def test_visible_escapes(text: str, shown: str) -> None:
    assert visible(text) == shown


@pytest.mark.parametrize(("text", "line"), [
    ("::error::x", "\\x3a:error::x"),
    ("  \t::add-mask::x", "  \\t::add-mask::x"),
    ("\u3000::stop-commands::t", "\u3000\\x3a:stop-commands::t"),
    ("note: a ##[set-output name=x]y", "note: a ##\\x5bset-output name=x]y"),
    ("seeds/a.txt:1:1: ok", "seeds/a.txt:1:1: ok"),
])
def test_console_lines_never_start_a_workflow_command(text: str, line: str) -> None:
    assert console_line(text) == line


@pytest.mark.parametrize(("url", "link"), [
    ("https://x.example/a", True), ("HTTP://X.EXAMPLE/", True), ("javascript:alert(1)", False),
    ("JaVaScRiPt:alert(1)", False), (" javascript:alert(1)", False), ("\x01javascript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False), ("vbscript:msgbox(1)", False), (" https://x.example/", False),
    ("https:/x.example", False), ("ftp://x.example/", False),
])
def test_only_http_urls_become_links(url: str, link: bool) -> None:
    assert web_link(url) is link


def test_the_github_action_driver_prints_no_forged_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    # A merge pattern that matches nothing: the error names it, line break and all.
    code = github.main({"SV_MERGE": f"none{FORGED}", "SV_OUTPUT_DIR": str(tmp_path / "out")})
    out = capsys.readouterr().out
    assert code == 2
    assert out == "::error title=seed-validator::merge: no report matches none\\n::error file=README.md::forged\n"
