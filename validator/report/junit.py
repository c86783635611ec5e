"""JUnit XML: one testcase per seed file, for CI systems that show test results."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from itertools import groupby

from ..models import Severity
from ..problems import Problem, at_or_above
from .context import ReportInput

# XML 1.0 cannot carry most control characters, even escaped; seed text may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(report: ReportInput) -> Iterator[str]:
    result, fail_on = report.result, report.fail_on
    by_file = {file: list(group) for file, group in groupby(report.problems, key=lambda p: p.file)}
    files = sorted(set(result.checked_files) | set(by_file))
    failing = {file for file in files if at_or_above(by_file.get(file, []), fail_on)}
    attrs = f'tests="{len(files)}" failures="{len(failing)}" errors="0"'
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f'<testsuites name="seed-validator" {attrs}>\n'
    yield (f'  <testsuite name="seed-validator" {attrs} skipped="0" '
           f'timestamp="{_clean(result.started_at)}">\n')
    for file in files:
        yield "    " + ET.tostring(_testcase(file, by_file.get(file, []), fail_on), encoding="unicode") + "\n"
    yield "  </testsuite>\n</testsuites>\n"


def _testcase(file: str, file_problems: list[Problem], fail_on: Severity | None) -> ET.Element:
    case = ET.Element("testcase", classname="seeds", name=_clean(file), file=_clean(file))
    failing = at_or_above(file_problems, fail_on)
    if failing:
        first = failing[0]
        failure = ET.SubElement(case, "failure", type=first.rule,
                                message=_clean(f"{len(failing)} problem(s); first: {first.message}"))
        failure.text = "\n".join(_line(p) for p in failing)
    others = [p for p in file_problems if p not in failing]
    if others:
        ET.SubElement(case, "system-out").text = "\n".join(_line(p) for p in others)
    return case


def _line(p: Problem) -> str:
    where = f"{p.file}:{p.line}:{p.column or 1}" if p.line else p.file
    return _clean(f"{where}: {p.severity} {p.rule} {p.pointer or '/'}: {p.message}")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", text)
