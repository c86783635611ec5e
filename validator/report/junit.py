"""JUnit XML: one testcase per seed file, for CI systems that show test results.

Linear in the number of problems: each file's problems are split once into those that fail its testcase
and the others. Text from seeds goes through escape.visible (no raw line break or control character in a
name, message or line) and the counts of the run are the testsuite's properties, labelled as in every report.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from itertools import groupby

from ..models import Severity
from ..problems import Problem, fails
from .context import ReportInput
from .escape import visible
from .summary import LINK_PROBLEMS


def render(report: ReportInput) -> Iterator[str]:
    result, fail_on = report.result, report.fail_on
    by_file = {file: list(group) for file, group in groupby(report.problems, key=lambda p: p.file)}
    files = sorted(set(result.checked_files) | set(by_file))
    cases = [_testcase(file, by_file.get(file, []), fail_on) for file in files]
    failures = sum(case.find("failure") is not None for case in cases)
    attrs = f'tests="{len(files)}" failures="{failures}" errors="0"'
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f'<testsuites name="seed-validator" {attrs}>\n'
    yield (f'  <testsuite name="seed-validator" {attrs} skipped="0" '
           f'timestamp="{_attribute(result.started_at)}">\n')
    yield "    " + ET.tostring(_properties(report), encoding="unicode") + "\n"
    for case in cases:
        yield "    " + ET.tostring(case, encoding="unicode") + "\n"
    if result.notes:  # what the console said of the run (an unavailable network, an unreadable cache, ...)
        notes = ET.Element("system-out")
        notes.text = "\n".join(visible(f"note: {note}") for note in result.notes)
        yield "    " + ET.tostring(notes, encoding="unicode") + "\n"
    yield "  </testsuite>\n</testsuites>\n"


def _properties(report: ReportInput) -> ET.Element:
    """The run's counts, labelled as in every report (`structure findings: errors`, `links by status: ok`, ...),
    then whether the run is complete and whether its link stage was inconclusive (report.json's run)."""
    properties = ET.Element("properties")
    for name, value in report.summary.rows(every=True, by_status=LINK_PROBLEMS):  # the contract's names
        ET.SubElement(properties, "property", name=name, value=str(value))
    for name, flag in (("run: complete", report.result.complete), ("run: inconclusive", report.result.inconclusive)):
        ET.SubElement(properties, "property", name=name, value="true" if flag else "false")
    return properties


def _testcase(file: str, file_problems: list[Problem], fail_on: Severity | None) -> ET.Element:
    case = ET.Element("testcase", classname="seeds", name=_attribute(file), file=_attribute(file))
    failing: list[Problem] = []
    others: list[Problem] = []
    for p in file_problems:
        (failing if fails(p, fail_on) else others).append(p)
    if failing:
        first = failing[0]
        failure = ET.SubElement(case, "failure", type=_attribute(first.rule),
                                message=_attribute(f"{len(failing)} problem(s); first: {first.message}"))
        failure.text = "\n".join(_line(p) for p in failing)
    if others:
        ET.SubElement(case, "system-out").text = "\n".join(_line(p) for p in others)
    return case


def _line(p: Problem) -> str:
    where = f"{p.file}:{p.line}:{p.column or 1}" if p.line else p.file
    baselined = " (baselined)" if p.baselined else ""
    return visible(f"{where}: {p.severity} {p.rule} {p.pointer or '/'}: {p.message}{baselined}")


def _attribute(text: str) -> str:
    return visible(text)
