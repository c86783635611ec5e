"""Fail early, fail cleanly: where reports go is checked before any work; a closed stdout is a quiet exit."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REAL_SEED, variant
from tests.test_cli import SCRIPT, run


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    shutil.copy(REAL_SEED, tmp_path / "seeds" / "good.txt")
    return tmp_path


@pytest.mark.parametrize("args, message", [
    (["check", "--offline", "--output-dir", "a-file"], "--output-dir a-file: is not a folder"),
    (["check", "--offline", "--output-dir", "a-file/reports"], "--output-dir a-file/reports: a-file is not a folder"),
    (["merge", "r.json", "--output-dir", "a-file"], "--output-dir a-file: is not a folder"),
    (["baseline", "--offline", "--output", "seeds"], "--output seeds: is a folder, not a file"),
    (["diff", "r.json", "r.json", "--output", "a-file/diff.md"], "--output a-file/diff.md: a-file is not a folder"),
])
def test_an_output_that_cannot_be_written_is_exit_2_in_one_line_before_any_work(
        corpus: Path, args: list[str], message: str) -> None:
    (corpus / "a-file").write_text("not a folder\n", encoding="utf-8")
    done = run(*args, cwd=corpus)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"seed-validator: error: {message}\n"
    assert not (corpus / "reports").exists()  # nothing ran: not even the default folder was made


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc, where nobody, not even root, can write")
def test_an_output_folder_that_cannot_be_written_is_exit_2(corpus: Path) -> None:
    done = run("check", "--offline", "--output-dir", "/proc/seed-validator/reports", cwd=corpus)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("seed-validator: error: --output-dir /proc/seed-validator/reports: cannot write in "
                                  "/proc: ") and done.stderr.count("\n") == 1


def test_a_new_output_folder_is_still_made(corpus: Path) -> None:
    done = run("check", "--offline", "--output-dir", "out/nested", cwd=corpus)
    assert done.returncode == 0, done.stderr
    assert (corpus / "out" / "nested" / "report.json").is_file()


def test_stdout_closed_early_is_a_quiet_exit_with_the_run_s_own_code(corpus: Path) -> None:
    """`seed-validator check | head -1` over far more output than a pipe holds: no BrokenPipeError traceback,
    the reports are written and the exit code is still the run's (1: findings)."""
    (corpus / "seeds" / "many.txt").write_text(variant(("  - AI\n", "  - AI\n" + "  -\n" * 3000),
                                                       ("quality: 37", "quality: lots")), encoding="utf-8")
    with subprocess.Popen([SCRIPT, "check", "--offline"], cwd=corpus, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()  # like `head -1`
        errors = process.stderr.read()
        code = process.wait(timeout=60)
    assert first.startswith("seeds/many.txt:")
    assert errors == "" and code == 1
    assert (corpus / "reports" / "report.json").is_file()


def test_a_shell_pipe_into_head_prints_one_line_and_no_traceback(corpus: Path) -> None:
    (corpus / "seeds" / "many.txt").write_text(variant(("  - AI\n", "  - AI\n" + "  -\n" * 3000)), encoding="utf-8")
    done = subprocess.run(f"'{SCRIPT}' check --offline | head -1; echo \"exit=${{PIPESTATUS[0]}}\"", shell=True,
                          executable=shutil.which("bash"), cwd=corpus, capture_output=True, text=True, timeout=60,
                          check=False)
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith("seeds/many.txt:") and lines[1] == "exit=0"
    assert done.stderr == ""
