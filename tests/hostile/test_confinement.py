"""Confinement: a run reads only inside its working tree; symlinks out are reported, their targets never shown."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REAL_SEED, variant
from tests.hostile.harness import assert_ran, assert_reports_written, check_args, every_output, findings, run_capped

SECRET = "FAKE-SECRET-7f3a9c1e"


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """tmp/repo (a git checkout, cwd of the runs) whose seeds link to tmp/outside, which holds a secret."""
    outside, repo = tmp_path / "outside", tmp_path / "repo"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"---\napi_token_{SECRET}: {SECRET}\n---\n", encoding="utf-8")
    (outside / "leaked.txt").write_text(f"---\ntitle: {SECRET}\n---\n", encoding="utf-8")
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    seeds = repo / "seeds"
    seeds.mkdir()
    shutil.copy(REAL_SEED, seeds / "good.txt")
    (seeds / "token.txt").symlink_to(outside / "secret.txt")
    (seeds / "elsewhere").symlink_to(outside)
    return repo


def test_item5_symlinks_out_of_the_tree_are_reported_and_their_text_appears_in_no_output(checkout: Path) -> None:
    outcome = run_capped(*check_args("seeds", "../outside/leaked.txt"), cwd=checkout)
    assert_ran(outcome)
    report = assert_reports_written(checkout / "reports")
    refused = {v["file"]: v["message"] for v in findings(report, "yaml/outside-tree")}
    assert refused == {
        "seeds/token.txt": "symlink leaves the tree: not read (--follow-symlinks reads what it points to)",
        "seeds/elsewhere": "symlink leaves the tree: not read (--follow-symlinks reads what it points to)",
        "../outside/leaked.txt": f"outside the working tree ({checkout.resolve()}): not read",
    }
    assert report["summary"]["records"] == 1
    assert SECRET not in every_output(outcome, checkout / "reports")
    assert "secret.txt" not in every_output(outcome, checkout / "reports")  # not even where the link leads


def test_item5_follow_symlinks_reads_them_but_never_paths_named_outside(checkout: Path) -> None:
    outcome = run_capped(*check_args("seeds", "../outside/leaked.txt"), "--follow-symlinks", cwd=checkout)
    assert_ran(outcome)
    report = assert_reports_written(checkout / "reports")
    files = {v["file"] for v in report["violations"]}
    assert {"seeds/token.txt", "seeds/elsewhere/secret.txt", "seeds/elsewhere/leaked.txt"} <= files
    assert [v["file"] for v in findings(report, "yaml/outside-tree")] == ["../outside/leaked.txt"]


def test_item5_the_tree_is_the_git_top_level_not_the_current_directory(checkout: Path) -> None:
    (checkout / "shared").mkdir()
    (checkout / "shared" / "bad.txt").write_text(variant(("quality: 37", "quality: lots")), encoding="utf-8")
    (checkout / "seeds" / "shared").symlink_to(checkout / "shared")
    outcome = run_capped(*check_args(".", output_dir="../reports"), cwd=checkout / "seeds")
    assert_ran(outcome)
    report = assert_reports_written(checkout / "reports")
    assert [(v["file"], v["rule"]) for v in findings(report, "schema/type")] == [("shared/bad.txt", "schema/type")]
    assert SECRET not in every_output(outcome, checkout / "reports")


def test_item5_a_5000_level_folder_is_walked_and_what_is_too_deep_to_open_is_a_finding(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    fd = os.open(seeds, os.O_RDONLY)
    try:
        for depth in range(1, 5001):
            os.mkdir("d", dir_fd=fd)
            child = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
            if depth in (3, 5000):  # a seed near the top, and one at the bottom no path can reach
                seed = os.open("seed.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
                os.write(seed, REAL_SEED.read_bytes())
                os.close(seed)
    finally:
        os.close(fd)
    try:
        outcome = run_capped(*check_args("seeds"), cwd=tmp_path)
        assert_ran(outcome)
        report = assert_reports_written(tmp_path / "reports")
        assert report["summary"]["records"] == 1
        [too_deep] = report["violations"]
        assert too_deep["rule"] == "yaml/unreadable" and too_deep["message"] == "cannot read folder: File name too long"
        assert too_deep["file"].startswith("seeds/d/d/d/") and len(too_deep["file"]) >= 4096
    finally:
        _remove_chain(seeds, "d", "seed.txt")


def _remove_chain(top: Path, folder: str, file: str) -> None:
    """Remove top/folder/folder/… (deeper than any path can name, and than shutil.rmtree can recurse)."""
    fd = os.open(top, os.O_RDONLY)
    depth = 0
    while True:
        try:
            child = os.open(folder, os.O_RDONLY, dir_fd=fd)
        except FileNotFoundError:
            break
        os.close(fd)
        fd, depth = child, depth + 1
    for _ in range(depth):
        if os.path.lexists(f"/proc/self/fd/{fd}/{file}"):
            os.unlink(file, dir_fd=fd)
        parent = os.open("..", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        os.rmdir(folder, dir_fd=parent)
        fd = parent
    os.close(fd)
