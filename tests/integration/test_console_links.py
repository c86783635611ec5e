"""Links in the console and the reports: where each occurrence stands (line and column), what a server says
cannot forge a workflow command, and links that could not be verified are one line per cause."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import position_of
from tests.integration.server import Farm, running_farm, send
from tests.integration.test_cli_links import seed
from tests.linkcheck import amp_page
from tests.test_cli import run
from validator.report.console import _cause

pytestmark = pytest.mark.slow
MASK = "&#10;::add-mask::secret"


@pytest.fixture(scope="module")
def farm() -> Iterator[Farm]:
    with running_farm() as running:
        running.routes["/amp-evil"] = lambda h: send(
            h, 200, amp_page(f"http://elsewhere.example/story{MASK}").encode(), {"Content-Type": "text/html"})
        yield running


def test_every_link_problem_and_occurrence_has_the_line_and_column_of_its_url(tmp_path: Path, farm: Farm) -> None:
    (tmp_path / "seeds").mkdir()
    text = seed(farm, "/missing", "/gone").replace("originalUrl: \"", "originalUrl:    \"")
    (tmp_path / "seeds" / "a.txt").write_text(text, encoding="utf-8")
    done = run("check", "--allow-private", "--no-cache", "--format", "json,sarif", cwd=tmp_path)
    assert done.returncode == 1
    expected = {"/originalUrl": position_of(text, f'"{farm.url("/missing")}'),
                "/webUrl": position_of(text, 'webUrl: "', offset=len("webUrl: ")),
                "/images/0/url": position_of(text, f'"{farm.url("/gone")}')}
    assert expected["/originalUrl"][1] == 17 and expected["/webUrl"] == (7, 9)
    report = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))
    places = {o["pointer"]: (o["line"], o["column"]) for link in report["links"] for o in link["occurrences"]}
    assert places == expected
    for pointer, (line, column) in expected.items():
        assert re.search(rf"^seeds/a\.txt:{line}:{column}: error link/dead .*\({re.escape(pointer)}\)$", done.stdout,
                         re.M), pointer
    sarif = json.loads((tmp_path / "reports" / "report.sarif").read_text(encoding="utf-8"))
    regions = {(r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["locations"][0]["physicalLocation"]["region"]["startColumn"]) for r in sarif["runs"][0]["results"]}
    assert regions == set(expected.values())


def test_a_server_cannot_forge_a_workflow_command(tmp_path: Path, farm: Farm) -> None:
    (tmp_path / "seeds").mkdir()
    text = seed(farm, "/ok", "/image.png").replace("type: article", f'ampWebUrl: "{farm.url("/amp-evil")}"\n'
                                                   "type: article")
    (tmp_path / "seeds" / "a.txt").write_text(text, encoding="utf-8")
    done = run("check", "--allow-private", "--no-cache", "--fail-on", "warning", cwd=tmp_path,
               env={"GITHUB_ACTIONS": "true"})
    assert done.returncode == 1, done.stdout + done.stderr
    output = done.stdout + done.stderr
    assert "story\\n::add-mask::secret, not the record's URL" in done.stdout  # the canonical, escaped
    for line in re.split(r"\r\n|\r|\n", output):
        assert not line.lstrip().startswith("::") or re.match(r"::(error|warning) file=seeds/a\.txt,line=", line), line
    markdown = (tmp_path / "reports" / "report.md").read_text(encoding="utf-8")
    assert "story\\\\n::add-mask::secret, not the record's URL" in markdown  # \\ is Markdown for a backslash
    assert not any(line.startswith("::") for line in markdown.splitlines())


def test_links_that_could_not_be_verified_are_one_line_per_cause(tmp_path: Path, farm: Farm) -> None:
    (tmp_path / "seeds").mkdir()
    for n in range(3):  # three loopback hosts, none listening on port 9: connection refused on each
        text = seed(farm, "/ok", "/image.png").replace(farm.url("/ok"), f"http://127.0.0.{n + 2}:9/story-{n}")
        text = text.replace(farm.url("/image.png"), f"http://127.0.0.{n + 2}:9/image-{n}.png").replace(
            "domain: 127.0.0.1", f"domain: 127.0.0.{n + 2}")
        (tmp_path / "seeds" / f"s{n}.txt").write_text(text.replace('"A story"', f'"Story {n}"'), encoding="utf-8")
    done = run("check", "--allow-private", "--no-cache", "--fail-on", "warning", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    problems = [line for line in done.stdout.splitlines() if line.startswith("seeds/")]
    assert problems == ["seeds/s0.txt:6:14: warning link/error 9 link problem(s) (6 link(s) on 3 host(s)) could not "
                        "be verified: connection refused (the first is here; every one is in the reports)"]
    report = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["link_problems_by_status"]["error"] == 9  # every one, in the reports
    assert "link problems: 0 error(s), 9 warning(s) [by status: 9 error]" in done.stdout


def test_a_cause_names_the_host_generically_never_inside_a_url() -> None:
    """The refusal names the origin (`http://host:9 failed 5 connections`); a reason may quote a URL on
    the host: the cause line says "the host" for the first, and leaves the URL whole."""
    assert _cause("not checked: http://127.0.0.3:9 failed 5 connections in a row (last: refused)",
                  "http://127.0.0.3:9/story") == "not checked: the host failed 5 connections in a row (last: refused)"
    assert _cause("not checked: https://news.example failed 5 connections in a row",
                  "https://news.example/a") == "not checked: the host failed 5 connections in a row"
    assert _cause("not verified: cannot resolve news.example", "https://news.example/a") == \
        "cannot resolve the host"
    assert _cause("timed out after a redirect to https://news.example/x", "https://news.example/a") == \
        "timed out after a redirect to https://news.example/x"
