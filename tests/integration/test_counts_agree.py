"""One set of counts: a corpus with structure findings, link problems and a baseline, through the console script;
the console, report.json, report.md, report.html, JUnit and SARIF all say the same numbers, each labelled."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import assert_valid_report
from tests.integration.server import running_farm, send
from tests.integration.test_cli_links import seed
from tests.test_cli import run

pytestmark = pytest.mark.slow
COUNTS = re.compile(
    r"(?P<files>\d+) file\(s\), (?P<records>\d+) record\(s\): (?P<error>\d+) error\(s\), (?P<warning>\d+) warning\(s\) "
    r"\(structure findings: (?P<f_error>\d+) error\(s\), (?P<f_warning>\d+) warning\(s\); "
    r"link problems: (?P<l_error>\d+) error\(s\), (?P<l_warning>\d+) warning\(s\)(?: \[(?P<l_status>[^\]]*)\])?\); "
    r"links by status: (?P<links>\d+) link\(s\)(?: \((?P<by_status>[^)]*)\))?"
    r"(?:; (?P<baselined>\d+) baselined \(not shown\))?$")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    work = tmp_path_factory.mktemp("counts")
    seeds = work / "seeds"
    seeds.mkdir()
    with running_farm() as farm:
        farm.routes["/moved"] = lambda h: send(h, 301, headers={"Location": "/ok"})
        farm.routes["/forbidden"] = lambda h: send(h, 403)

        def write(name: str, page: str, image: str, *edits: tuple[str, str]) -> None:
            text = seed(farm, page, image).replace('title: "A story"', f'title: "Story {name}"')
            for old, new in edits:
                text = text.replace(old, new)
            (seeds / f"{name}.txt").write_text(text, encoding="utf-8")

        # Accepted by a baseline: a dead page and a schema error.
        write("old", "/missing", "/image.png", ("secured: \"YWJj;ZGVm\"", "secured: 5"))
        assert run("baseline", "--allow-private", "--no-cache", "--silent", cwd=work).returncode == 0
        write("ok", "/ok", "/image.png")
        write("dead", "/gone", "/missing?image")  # two dead links: the page (as originalUrl and webUrl), the image
        write("moved", "/moved", "/image.png", ("  - Testing\n", "  - Testing\n  -\n"))  # redirected + a warning
        write("blocked", "/forbidden", "/ok?image")  # blocked page; an image URL serving a page: mismatch
        (seeds / "broken.txt").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
        done = run("check", "--allow-private", "--no-cache", "--baseline", "seed-validator-baseline.json",
                   "--format", "json,md,junit,sarif,html", cwd=work)
    assert done.returncode == 1, done.stdout + done.stderr
    yield work / "reports", done.stdout


def summary(reports: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((reports / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(document)
    return document


def test_the_json_summary_counts_what_its_lists_hold(outputs: tuple[Path, str]) -> None:
    document = summary(outputs[0])
    counts = document["summary"]
    findings = Counter(v["severity"] for v in document["violations"])
    assert counts["violations"] == {"error": findings["error"], "warning": findings["warning"]}
    occurrences = Counter(link["status"] for link in document["links"] for _ in link["occurrences"])
    assert counts["link_problems_by_status"] == {s: occurrences[s] for s in counts["link_problems_by_status"]}
    assert {s: n for s, n in counts["link_problems_by_status"].items() if n} == {
        "dead": 5, "mismatch": 1, "blocked": 2, "redirected": 2}
    assert counts["links_by_status"] == {s: sum(link["status"] == s for link in document["links"])
                                         for s in counts["links_by_status"]}
    for severity in ("error", "warning"):
        assert counts["problems"][severity] == counts["violations"][severity] + counts["link_problems"][severity]
    assert counts["baselined"] == document["baseline"]["baselined"] == 3  # old.txt: dead page twice, secured
    assert sum(counts["problems_by_rule"].values()) == sum(counts["problems"].values())
    assert counts["problems_by_rule"]["link/dead"] == 5 and "schema/type" in counts["problems_by_rule"]


def test_the_console_says_the_same_numbers(outputs: tuple[Path, str]) -> None:
    reports, stdout = outputs
    counts = summary(reports)["summary"]
    lines = stdout.splitlines()
    found = COUNTS.match(lines[-2])
    assert found is not None, lines[-2]
    said = found.groupdict()
    assert (int(said["files"]), int(said["records"]), int(said["links"])) == (
        counts["files"], counts["records"], counts["links"])
    assert (int(said["error"]), int(said["warning"])) == (counts["problems"]["error"], counts["problems"]["warning"])
    assert (int(said["f_error"]), int(said["f_warning"])) == (counts["violations"]["error"],
                                                              counts["violations"]["warning"])
    assert (int(said["l_error"]), int(said["l_warning"])) == (counts["link_problems"]["error"],
                                                              counts["link_problems"]["warning"])
    assert _pairs(said["l_status"]) == {s: n for s, n in counts["link_problems_by_status"].items() if n}
    assert _pairs(said["by_status"]) == {s: n for s, n in counts["links_by_status"].items() if n}
    assert int(said["baselined"]) == counts["baselined"]
    problem_lines = [line for line in lines if line.startswith("seeds/")]
    assert len(problem_lines) == sum(counts["problems"].values()) - counts["baselined"]  # baselined not shown
    assert not any(line.startswith("seeds/old.txt") for line in problem_lines)
    failing = counts["problems"]["error"] - 3  # the baselined ones are errors
    assert lines[-1].startswith(f"Failed: {failing} problem(s) at or above --fail-on error (")
    assert lines[-1].endswith("Exit code 1: problems that fail.")


def test_markdown_html_junit_and_sarif_say_the_same_numbers(outputs: tuple[Path, str]) -> None:
    reports, _ = outputs
    counts = summary(reports)["summary"]
    expected = {"files": counts["files"], "records": counts["records"], "links": counts["links"],
                "baselined problems": counts["baselined"],
                **{f"structure findings: {s}s": counts["violations"][s] for s in ("error", "warning")},
                **{f"link problems: {s}s": counts["link_problems"][s] for s in ("error", "warning")},
                **{f"link problems by status: {s}": n for s, n in counts["link_problems_by_status"].items() if n},
                **{f"links by status: {s}": n for s, n in counts["links_by_status"].items() if n}}

    markdown = (reports / "report.md").read_text(encoding="utf-8")
    table = markdown.split("| | count |\n|---|---:|\n", 1)[1].split("\n\n", 1)[0]
    rows = dict(re.findall(r"^\| ([^|]+) \| (\d+) \|$", table, re.M))
    assert {label: int(n) for label, n in rows.items()} == expected

    page = _Page()
    page.feed((reports / "report.html").read_text(encoding="utf-8"))
    cards = page.cards
    assert (cards["files"], cards["records"], cards["links"], cards["baselined"]) == (
        counts["files"], counts["records"], counts["links"], counts["baselined"])
    for severity in ("error", "warning"):
        assert cards[f"findings-{severity}"] == counts["violations"][severity]
        assert cards[f"link-problems-{severity}"] == counts["link_problems"][severity]
    assert {s: cards[f"links-{s}"] for s in counts["links_by_status"]} == counts["links_by_status"]
    assert page.groups == ["run", "structure findings", "link problems", "links by status", "baseline"]
    by_rule = sorted(counts["problems_by_rule"].items(), key=lambda item: (-item[1], item[0]))
    assert page.rule_bars == by_rule[:12] and any(rule.startswith("link/") for rule, _ in page.rule_bars)

    suite = ET.parse(reports / "report.junit.xml").getroot().find("testsuite")
    assert suite is not None
    said = {p.get("name"): p.get("value") for p in suite.iter("property")}
    # the run's state as report.json has it
    assert (said.pop("run: complete"), said.pop("run: inconclusive")) == ("true", "false")
    properties = {name: int(value or -1) for name, value in said.items()}
    # JUnit keeps the report contract's names for the link problems by status (`link problems: dead`)
    junit = {name.replace("link problems by status: ", "link problems: "): n for name, n in expected.items()}
    assert {name: properties[name] for name in junit} == junit
    assert properties["links by status: ok"] == counts["links_by_status"]["ok"]  # JUnit names zeros too
    assert properties["link problems: soft-dead"] == 0

    sarif = json.loads((reports / "report.sarif").read_text(encoding="utf-8"))["runs"][0]
    bag = sarif["properties"]["summary"]
    assert bag["structure findings"] == counts["violations"] and bag["link problems"] == counts["link_problems"]
    assert bag["links by status"] == counts["links_by_status"] and bag["baselined"] == counts["baselined"]
    results = sarif["results"]
    assert Counter(r["ruleId"] for r in results) == Counter(counts["problems_by_rule"])
    assert Counter(r["level"] for r in results) == Counter(counts["problems"])
    assert sum(r["baselineState"] == "unchanged" for r in results) == counts["baselined"]


def _pairs(text: str | None) -> dict[str, int]:
    """'4 dead, 2 redirected' (or 'by status: 4 dead, …') → {'dead': 4, 'redirected': 2}."""
    text = text.removeprefix("by status: ") if text else text
    return {name: int(n) for n, name in (part.split(" ", 1) for part in text.split(", "))} if text else {}


class _Page(HTMLParser):
    """The summary cards, their groups and the rule chart's bars, as the page states them without a script."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, int] = {}
        self.groups: list[str] = []
        self.rule_bars: list[tuple[str, int]] = []
        self._card: str | None = None
        self._in: str | None = None
        self._figure = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "li" and named.get("data-card"):
            self._card = named["data-card"]
        elif tag == "span" and self._card is not None:
            self._in = "card"
        elif tag == "section" and named.get("data-group"):
            self.groups.append(named["data-group"] or "")
        elif tag == "figure":
            self._figure = named.get("id") or ""
        elif tag == "title" and self._figure == "chart-rules":
            self._in = "bar"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("span", "title"):
            self._in = None
        if tag == "li":
            self._card = None

    def handle_data(self, data: str) -> None:
        if self._in == "card" and self._card is not None:
            self.cards[self._card] = int(data)
        elif self._in == "bar":
            rule, _, n = data.rpartition(": ")
            self.rule_bars.append((rule, int(n)))
