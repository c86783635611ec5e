"""Hostile URLs, file names and file types: each a finding for its file; the run goes on and writes every report."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REAL_SEED, variant
from tests.hostile.harness import (
    ALL_FORMATS,
    assert_ran,
    assert_reports_written,
    check_args,
    findings,
    own_findings,
    run_capped,
)
from validator import cli
from validator.validate.record import RecordValidator

WEB = "https://reason.com/2021/04/09/cops-are-using-facial-recognition-technology-more-than-previously-revealed/"
BAD_URLS = {
    "ipv6-unclosed": ("http://[::1/", "seed/url-malformed"),
    "ipv6-not-an-address": ("http://[x]/", "seed/url-malformed"),
    "nfkc-separator": ("http://a\u2100b.com/", "seed/url-malformed"),
    "port-out-of-range": ("https://reason.com:99999/a", "seed/url-malformed"),
    "no-host": ("http://", "seed/url-no-host"),
    "no-host-path": ("https:///path", "seed/url-no-host"),
}


def test_item3_malformed_urls_are_seed_url_findings(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    for name, (url, _) in BAD_URLS.items():
        text = variant((f'webUrl: "{WEB}"', f'webUrl: "{url}"'))
        (tmp_path / "seeds" / f"{name}.txt").write_text(text, encoding="utf-8")
    outcome = run_capped(*check_args("seeds"), cwd=tmp_path)
    assert_ran(outcome)
    report = assert_reports_written(tmp_path / "reports")
    found = {(v["file"], v["rule"]) for v in own_findings(report)
             if v["pointer"] == "/webUrl" and v["rule"] != "seed/provider-domain"}
    assert found == {(f"seeds/{name}.txt", rule) for name, (_, rule) in BAD_URLS.items()}  # one rule per problem


def test_item3_a_file_name_that_is_not_utf8_is_reported_escaped(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    name = os.fsdecode(b"\xff\xfe.txt")  # bytes that are not UTF-8, kept as they are by the file system encoding
    (tmp_path / "seeds" / name).write_text(variant(("quality: 37", "quality: lots")), encoding="utf-8")
    assert [os.fsencode(p.name) for p in (tmp_path / "seeds").iterdir()] == [b"\xff\xfe.txt"]
    outcome = run_capped(*check_args("seeds"), cwd=tmp_path)
    assert_ran(outcome)
    report = assert_reports_written(tmp_path / "reports")
    assert [(v["file"], v["rule"]) for v in report["violations"]] == [("seeds/\\xff\\xfe.txt", "schema/type")]
    assert "seeds/\\xff\\xfe.txt:11:10: error schema/type 'lots' is not of type 'integer'" in outcome.stdout


def test_item3_an_unexpected_exception_is_an_internal_error_finding_and_the_run_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "seeds").mkdir()
    shutil.copy(REAL_SEED, tmp_path / "seeds" / "a.txt")
    (tmp_path / "seeds" / "b.txt").write_text(variant(("quality: 37", "quality: lots")), encoding="utf-8")
    validate = RecordValidator.validate

    def failing(self: RecordValidator, record: dict[str, object], file: str, source: object) -> object:
        if file == "seeds/a.txt":
            raise RuntimeError("injected failure " + "x" * 10_000)
        return validate(self, record, file, source)  # type: ignore[arg-type]

    monkeypatch.setattr(RecordValidator, "validate", failing)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["check", "--offline", "--format", ",".join(ALL_FORMATS)])
    output = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in output.out + output.err
    report = assert_reports_written(tmp_path / "reports")
    [internal] = findings(report, "internal/error")
    assert internal["file"] == "seeds/a.txt" and internal["severity"] == "error"
    assert internal["message"].startswith("internal error, the file was not fully checked: RuntimeError: injected")
    assert len(internal["message"]) < 300
    assert report["summary"]["files"] == 2 and report["summary"]["records"] == 2
    assert [v["file"] for v in findings(report, "schema/type")] == ["seeds/b.txt"]  # the next file is still checked
    assert "internal/error" in (tmp_path / "reports" / "report.md").read_text(encoding="utf-8")


@pytest.fixture
def special_files(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(REAL_SEED, seeds / "good.txt")
    os.mkfifo(seeds / "fifo.txt")  # no writer: opened for reading, it would wait forever
    (seeds / "zero.txt").symlink_to("/dev/zero")  # endless; stat says 0 bytes
    if Path("/proc/self/status").exists():
        (seeds / "proc.txt").symlink_to("/proc/self/status")  # a regular file of size 0 that has content
    (tmp_path / "list.txt").write_text("seeds/good.txt\n", encoding="utf-8")
    return tmp_path


def test_item4_devices_fifos_and_endless_files_are_findings_read_within_bounds(special_files: Path) -> None:
    outcome = run_capped(*check_args("seeds"), cwd=special_files)
    assert_ran(outcome)
    report = assert_reports_written(special_files / "reports")
    rules = {v["file"]: v["rule"] for v in report["violations"]}
    assert rules["seeds/fifo.txt"] == "yaml/not-a-file"
    assert rules["seeds/zero.txt"] == "yaml/outside-tree"

    followed = run_capped(*check_args("seeds", output_dir="followed"), "--follow-symlinks", "--max-file-size", "100",
                          cwd=special_files)
    assert_ran(followed)
    report = assert_reports_written(special_files / "followed")
    rules = {v["file"]: v["rule"] for v in report["violations"]}
    assert rules["seeds/zero.txt"] == rules["seeds/fifo.txt"] == "yaml/not-a-file"
    if "seeds/proc.txt" in rules:
        assert rules["seeds/proc.txt"] == "yaml/too-large"  # stat said 0 bytes; the read stopped at 101

    # --files-from: the rest of the corpus is still scanned for duplicates, by the same bounded reads.
    chosen = run_capped(*check_args(output_dir="chosen"), "--follow-symlinks", "--files-from", "list.txt",
                        cwd=special_files)
    assert_ran(chosen, returncode=0)
    assert json.loads((special_files / "chosen" / "report.json").read_text(encoding="utf-8"))["summary"]["files"] == 1
