"""--jobs N: files checked by worker processes give the same findings, order and reports as --jobs 1."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import write_corpus
from tests.test_cli import run
from validator import parallel
from validator.filecheck import FileJob, FileOutcome, FileTask
from validator.parallel import _CHUNK, _CHUNKS_AHEAD, POOL_THRESHOLD, check_files
from validator.tree import Tree
from validator.validate.schema import load_schema

FILES = POOL_THRESHOLD + 172  # enough for a pool, with every kind of planted defect


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("jobs")
    write_corpus(root / "seeds", FILES)
    (root / "seeds" / "empty.txt").write_text("", encoding="utf-8")
    (root / "seeds" / "binary.txt").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    return root


def reports(root: Path, out: str, stdout: str = "") -> dict[str, Any]:
    """Every report of a run and its console output, with the run's own times (start, finish) blanked."""
    texts = {name: (root / out / name).read_text(encoding="utf-8")
             for name in ("report.json", "report.md", "report.sarif", "report.junit.xml")}
    texts["console"] = stdout.replace(f"{out}/", "OUT/")
    run_facts = json.loads(texts["report.json"])["run"]
    for moment in (run_facts["started_at"], run_facts["finished_at"]):
        texts = {name: text.replace(moment, "(the run's time)") for name, text in texts.items()}
    return texts


def test_two_processes_report_exactly_what_one_does(corpus: Path) -> None:
    outputs = {}
    for jobs in ("1", "2"):
        done = run("check", "--offline", "--jobs", jobs, "--format", "json,md,sarif,junit", "--output-dir",
                   f"out{jobs}", cwd=corpus)
        assert done.returncode == 1, done.stderr
        outputs[jobs] = reports(corpus, f"out{jobs}", done.stdout)
    one, two = outputs["1"], outputs["2"]
    assert two["console"] == one["console"]  # console lines, in the same order
    assert json.loads(two["report.json"]) == json.loads(one["report.json"])
    assert two == one
    report = json.loads(one["report.json"])
    assert {"yaml/duplicate-key", "yaml/syntax", "yaml/empty", "yaml/encoding", "seed/duplicate-article",
            "schema/format", "seed/url-whitespace", "seed/future-date"} <= {v["rule"] for v in report["violations"]}
    assert report["summary"]["files"] == FILES + 2


def test_the_duplicate_rule_still_sees_every_file_and_positions_its_finding(corpus: Path) -> None:
    done = run("check", "--offline", "--jobs", "2", "--output-dir", "outdup", cwd=corpus)
    violations = json.loads((corpus / "outdup" / "report.json").read_text(encoding="utf-8"))["violations"]
    duplicates = [v for v in violations if v["rule"] == "seed/duplicate-article"]
    assert duplicates and all(v["line"] and v["column"] and "same article as seeds/000000.txt" in v["message"]
                              for v in duplicates)
    assert done.returncode == 1


def test_shards_and_chosen_files_give_the_same_answer_with_workers(corpus: Path, tmp_path: Path) -> None:
    listing = tmp_path / "files.txt"
    listing.write_text("\n".join(f"seeds/{n:06d}.txt" for n in range(0, FILES, 2)) + "\n", encoding="utf-8")
    for extra in (["--shard", "2/3"], ["--files-from", str(listing)]):
        answers = []
        for jobs in ("1", "2"):
            out = f"out-{extra[0][2:]}-{jobs}"
            run("check", "--offline", "--jobs", jobs, "--format", "json,md,sarif,junit", "--output-dir", out, *extra,
                cwd=corpus)
            answers.append(json.loads(reports(corpus, out)["report.json"]))
        assert answers[0]["violations"] and answers[1] == answers[0]


def test_jobs_is_a_setting_too(corpus: Path) -> None:
    (corpus / "seed-validator.toml").write_text("jobs = 0\n", encoding="utf-8")
    try:
        done = run("check", "--offline", cwd=corpus)
        assert done.returncode == 2 and "'jobs' must be at least 1" in done.stderr
    finally:
        (corpus / "seed-validator.toml").unlink()
    assert "--jobs" in run("check", "--help", cwd=corpus).stdout


def _job() -> FileJob:
    return FileJob(load_schema()[0], datetime(2026, 1, 1, tzinfo=UTC), timedelta(hours=24), 1 << 20, True,
                   Tree.unconfined())


def test_the_pool_reads_ahead_a_bounded_number_of_files(corpus: Path) -> None:
    files = sorted((corpus / "seeds").glob("0*.txt")) * 8  # 2,400 tasks
    pulled = 0

    def tasks() -> Iterator[FileTask]:
        nonlocal pulled
        for number, path in enumerate(files):
            pulled += 1
            yield FileTask(path, f"{number}:{path.name}")

    outcomes = check_files(tasks(), _job(), 2)
    assert next(outcomes).file == f"0:{files[0].name}"
    assert multiprocessing.active_children()  # workers, not this process
    bound = POOL_THRESHOLD + 2 * _CHUNKS_AHEAD * _CHUNK
    assert pulled <= bound < len(files)
    for _ in range(1000):
        next(outcomes)
    assert pulled <= 1001 + bound
    assert [o.file for o in outcomes] == [f"{n}:{p.name}" for n, p in enumerate(files)][1001:]


def test_few_files_start_no_pool(tmp_path: Path) -> None:
    shutil.copy(Path(__file__).parent.parent / "seeds" / "000_d663f88f6a665438.txt", tmp_path / "a.txt")
    before = set(multiprocessing.active_children())
    outcomes = list(check_files([FileTask(tmp_path / "a.txt", "a.txt")] * 5, _job(), 8))
    assert [o.findings for o in outcomes] == [()] * 5
    assert set(multiprocessing.active_children()) == before


_CHECK_CHUNK = parallel._check_chunk


def _dies_on_marked_files(chunk: list[FileTask]) -> list[FileOutcome]:
    """A worker killed (the OOM killer, a crash in a C extension) while it checks a marked file."""
    if any(task.file.startswith("die:") for task in chunk):
        os._exit(9)
    return _CHECK_CHUNK(chunk)


def test_a_worker_that_dies_costs_its_files_not_the_run(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file still has an outcome, in order: those the dead worker had are internal/error findings
    saying what happened and what to do; the rest are checked (by new workers)."""
    files = sorted((corpus / "seeds").glob("0*.txt"))[:200]
    monkeypatch.setattr(parallel, "_check_chunk", _dies_on_marked_files)
    names = [f"{'die:' if n == 70 else ''}{n}:{p.name}" for n, p in enumerate(files)]
    outcomes = list(check_files((FileTask(p, name) for p, name in zip(files, names, strict=True)), _job(), 2))
    assert [o.file for o in outcomes] == names
    died = {o.file for o in outcomes if any(f.rule == "internal/error" for f in o.findings)}
    assert "die:70:" + files[70].name in died and len(died) < len(files)
    assert all("a worker process died" in f.message and "--jobs 1" in f.message
               for o in outcomes for f in o.findings if f.rule == "internal/error")
    fine = [o for o in outcomes if o.file not in died]
    assert fine and all(o.record for o in fine[:10])


def test_no_more_than_four_processes_per_cpu_whatever_jobs_says(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`jobs = 1024` in a config file a pull request changed must not fork a thousand processes."""
    monkeypatch.setattr(parallel, "default_jobs", lambda: 1)
    files = sorted((corpus / "seeds").glob("0*.txt"))[:200]
    outcomes = check_files((FileTask(p, p.name) for p in files), _job(), 1024)
    next(outcomes)
    assert 1 <= len(multiprocessing.active_children()) <= 4
    assert len(list(outcomes)) == len(files) - 1
