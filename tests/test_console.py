"""The console, like ruff's: colours only when wanted, baselined problems counted not shown, --quiet and --silent,
and a last line that says what failed and what the exit code means."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import variant
from tests.test_cli import corpus, run

__all__ = ["corpus"]
RED_ERROR = "\x1b[1;31merror\x1b[0m"


@pytest.mark.parametrize(("env", "coloured"), [
    ({}, False),  # not a terminal
    ({"FORCE_COLOR": "1"}, True),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins
    ({"FORCE_COLOR": "0"}, False),
    ({"NO_COLOR": ""}, False),  # an empty NO_COLOR is unset; still not a terminal
])
def test_colours_follow_no_color_and_force_color(corpus: Path, env: dict[str, str], coloured: bool) -> None:
    done = run("check", "--offline", cwd=corpus, env={"NO_COLOR": "", "FORCE_COLOR": "", **env})
    assert done.returncode == 1
    assert (RED_ERROR in done.stdout) is coloured
    assert ("\x1b" in done.stdout) is coloured
    plain = run("check", "--offline", cwd=corpus, env={"NO_COLOR": "1"}).stdout
    assert done.stdout.replace(RED_ERROR, "error").count("\n") == plain.count("\n")


def test_baselined_problems_are_counted_not_shown(corpus: Path) -> None:
    assert run("baseline", "--offline", "--silent", cwd=corpus).returncode == 0
    (corpus / "seeds" / "new.txt").write_text(variant(("quality: 37", "quality: many")).replace(
        "cops-are-using", "cops-were-using"), encoding="utf-8")
    done = run("check", "--offline", "--baseline", "seed-validator-baseline.json", cwd=corpus,
               env={"GITHUB_ACTIONS": "true"})
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    shown = [line for line in lines if line.startswith("seeds/")]
    assert shown == [line for line in lines if line.startswith("seeds/new.txt")] and len(shown) == 1
    assert [line for line in lines if line.startswith("::")] == [
        line for line in lines if line.startswith("::error file=seeds/new.txt,")]
    assert "; 4 baselined (not shown)" in lines[-2]
    assert lines[-1] == ("Failed: 1 problem(s) at or above --fail-on error (1 structure finding(s)). "
                         "Exit code 1: problems that fail.")


def test_the_verdict_says_why_it_passed(corpus: Path) -> None:
    done = run("check", "--offline", "--fail-on", "never", cwd=corpus)
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == ("Passed: --fail-on never (2 error(s), 2 warning(s) shown above). "
                                            "Exit code 0: nothing fails.")


def test_quiet_drops_progress_and_notes_silent_drops_everything(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    # Loopback links without --allow-private: skipped, no connection made; a damaged link cache: a note.
    (tmp_path / "seeds" / "a.txt").write_text(variant(("quality: 37", "quality: many")).replace(
        "https://", "http://127.0.0.1:9/"), encoding="utf-8")
    cache = tmp_path / ".seed-validator" / "cache.sqlite"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"not a database " * 100)
    loud = run("check", cwd=tmp_path)
    quiet = run("check", "--quiet", cwd=tmp_path)
    silent = run("check", "--silent", cwd=tmp_path)
    assert loud.returncode == quiet.returncode == silent.returncode == 1
    notes = [line for line in loud.stdout.splitlines() if line.startswith("note: ")]
    assert notes and "link cache" in notes[0] and "links by status" in loud.stdout  # a note, the counts
    assert loud.stderr.startswith("links ")  # progress
    problems = [line for line in loud.stdout.splitlines() if line.startswith("seeds/")]
    assert problems and quiet.stdout.splitlines() == problems and quiet.stderr == ""
    assert silent.stdout == silent.stderr == ""
