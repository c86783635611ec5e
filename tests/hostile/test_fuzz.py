"""Property: arbitrary YAML-ish text, odd scalars and odd file names go through load → validate → every
renderer without an exception, and without the last line of defence (internal/error) ever being needed."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from validator import pipeline
from validator.config import Settings
from validator.report.context import ReportInput
from validator.report.writer import FORMATS, write_reports

FRAGMENTS = [
    "title: ", "quality: ", "heat: ", "webUrl: ", "originalUrl: ", "ampWebUrl: ", "cdnAmpWebUrl: ",
    "publishedDateTime: ", "related:\n  - ", "images:\n    - url: ", "provider:\n  domain: ", "topics:\n  - ",
    "featuredContent: ", "width: ", "\n", "  ", "- ", ": ", ", ", "{", "}", "[", "]", "? ", "'", '"', "#", "|\n  ",
    "&a ", "*a", "!!int ", "!!float ", "!!binary ", "!!set ", "!!omap ", "!!timestamp ", "!!str ", "<<: ",
    ".nan", ".inf", "-.inf", "1e999", "0x" + "f" * 40, "0o17", "0b101", "1:59:59", "9" * 4400, "-0", "~", "null",
    "yes", "2021-04-09T11:00:00Z", "2021-02-30", "http://[::1/", "http://[x]/", "http://a\u2100b.com/", "http://",
    "https:///p", "https://a.com:99999/", "https://user:pw@a.com/", "javascript:alert(1)", "\x00", "\x1b[31m",
    "\u2028", "\ufeff", "\r", "::error file=x::y", "é", "â€“", "<iframe src=x>", "x" * 300,
]
YAML_ISH = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(st.characters(codec="utf-8"), max_size=8)),
                    max_size=40).map("".join)
FILE_NAMES = st.binary(min_size=1, max_size=20).filter(lambda name: b"/" not in name and b"\x00" not in name)


@settings(max_examples=100, deadline=None)
@given(document=YAML_ISH, name=FILE_NAMES, front_matter=st.booleans())
def test_arbitrary_input_goes_through_every_stage_and_renderer(tmp_path_factory: pytest.TempPathFactory,
                                                               document: str, name: bytes,
                                                               front_matter: bool) -> None:
    base = tmp_path_factory.mktemp("fuzz")
    try:
        (base / "seeds").mkdir()
        suffix = b".txt" if front_matter else b".yaml"
        text = f"---\n{document}\n---\n" if front_matter else document
        (base / "seeds" / os.fsdecode(name + suffix)).write_text(text, encoding="utf-8")  # the bytes as they are
        with contextlib.chdir(base):
            result = pipeline.run(Settings(paths=(Path("seeds"),), offline=True))
            written = write_reports(ReportInput.of(result), list(FORMATS), Path("reports"))
        assert result.files == (0 if name.startswith(b".") else 1)
        assert [f for f in result.findings if f.rule == "internal/error"] == []
        assert len(written) == len(FORMATS)
        json.loads((base / "reports" / "report.json").read_text(encoding="utf-8"))
        json.loads((base / "reports" / "report.sarif").read_text(encoding="utf-8"))
        json.loads((base / "reports" / "report.codeclimate.json").read_text(encoding="utf-8"))
        ET.parse(base / "reports" / "report.junit.xml")
    finally:
        shutil.rmtree(base)
