"""The pre-commit hooks, run by pre-commit itself against a repository like a team's, and the batching they rely on."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, variant
from tests.test_ci_workflows import git, seed_with_article
from tests.test_cli import run

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
SUMMARY = re.compile(r"^(\d+) file\(s\), \d+ record\(s\)", re.MULTILINE)
# pre-commit passes files in batches of at most 2**17 bytes of command line (pre_commit/xargs.py): paths this
# long put about 180 files in a batch, so 200 seed files need two runs of the hook.
LONG = "d" * 240
VALID_FILES = 200
# What a pip that cannot reach a package index says; only then is the hook's installation skipped.
_NO_INDEX = ("No matching distribution found", "Could not find a version that satisfies",
             "Failed to establish a new connection", "Network is unreachable")


def pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    environment.update(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", GIT_AUTHOR_NAME="t",
                       GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
                       GIT_COMMITTER_EMAIL="t@example.invalid")
    return subprocess.run([str(PRE_COMMIT), *args], cwd=cwd, capture_output=True, text=True, env=environment,
                          timeout=600, check=False)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, Path]]:
    """This repository as committed plus its working-tree changes (what try-repo would use), the commit, and
    a pre-commit home with the hook installed once for the module."""
    if not PRE_COMMIT.exists():
        pytest.skip("pre-commit is not installed in this environment (pip install -e '.[test]')")
    base = tmp_path_factory.mktemp("hooks")
    shadow = base / "seed-validator"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(shadow)], check=True, capture_output=True)
    listed = subprocess.run(["git", "ls-files", "-z", "--modified", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    for name in filter(None, listed.split("\0")):
        target = shadow / name
        if (ROOT / name).is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
        else:
            target.unlink(missing_ok=True)
    git(shadow, "add", "-A")
    git(shadow, "commit", "-q", "--allow-empty", "-m", "working tree")
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=shadow, capture_output=True, text=True,
                         check=True).stdout.strip()
    home = base / "pre-commit-home"
    empty = base / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    installed = pre_commit("try-repo", str(shadow), "seed-validator", "--ref", rev, "--all-files", cwd=empty,
                           home=home)
    log = installed.stdout + installed.stderr + _log(home)
    if installed.returncode != 0 and any(sign in log for sign in _NO_INDEX):
        pytest.skip(f"pre-commit could not install the hook's environment (no package index): {log[-300:]}")
    assert installed.returncode == 0, log
    yield shadow, rev, home


def _log(home: Path) -> str:
    log = home / "pre-commit.log"
    return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""


@pytest.fixture
def team_repo(tmp_path: Path) -> Path:
    """A repository as a team has it: README, notes, a workflow, and seeds/ with .gitkeep, an index and seeds:
    many valid ones (in nested folders with long names), one invalid, and a duplicate pair at both ends."""
    repo = tmp_path / "team"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / "README.md").write_text("# Our seeds\n\nNotes: see docs/.\n", encoding="utf-8")
    (repo / "notes.txt").write_text("not a seed\n", encoding="utf-8")
    (repo / ".github" / "workflows" / "ci.yml").write_text("name: ci\non: push\njobs: {}\n", encoding="utf-8")
    seeds = repo / "seeds"
    nested = seeds / LONG / LONG
    nested.mkdir(parents=True)
    (seeds / ".gitkeep").write_text("", encoding="utf-8")
    (seeds / "index.csv").write_text("file,title\n", encoding="utf-8")
    for n in range(VALID_FILES):
        (nested / f"{n:03d}{LONG[:200]}.txt").write_text(seed_with_article(n), encoding="utf-8")
    (seeds / "invalid.txt").write_text(variant(("quality: 37", "quality: lots"),
                                               ('originalUrl: "https://reason.com/', 'originalUrl: "https://x.com/')),
                                       encoding="utf-8")
    (seeds / "aaa-duplicate.txt").write_text(seed_with_article(9999), encoding="utf-8")
    (seeds / "zzz-duplicate.txt").write_text(seed_with_article(9999), encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    return repo


def untracked_or_ignored(repo: Path) -> list[str]:
    status = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"], cwd=repo,
                            capture_output=True, text=True, check=True).stdout
    return [line for line in status.splitlines() if line[:2] in ("??", "!!")]


@pytest.mark.timeout(600)  # the first test installs the hook's environment (pip) once for the module
def test_try_repo_checks_seed_files_only_in_batches_and_finds_the_split_duplicate(
        hook_repo: tuple[Path, str, Path], team_repo: Path) -> None:
    shadow, rev, home = hook_repo
    done = pre_commit("try-repo", str(shadow), "seed-validator", "--ref", rev, "--all-files", "--verbose",
                      cwd=team_repo, home=home)
    output = done.stdout
    assert done.returncode == 1, output + done.stderr
    assert "seeds/invalid.txt:11:10: error schema/type 'lots' is not of type 'integer' (/quality)" in output
    # Two runs of the hook (two summaries) that together validated every seed file once.
    batches = [int(n) for n in SUMMARY.findall(output)]
    assert len(batches) == 2 and sum(batches) == VALID_FILES + 3, batches
    # The duplicate pair was split between the runs, and each run found its half against the whole corpus.
    assert ("seeds/aaa-duplicate.txt:7:9: warning seed/duplicate-article same article as "
            "seeds/zzz-duplicate.txt") in output
    assert ("seeds/zzz-duplicate.txt:7:9: warning seed/duplicate-article same article as "
            "seeds/aaa-duplicate.txt") in output
    for not_a_seed in ("README.md", "notes.txt", "ci.yml", ".gitkeep", "index.csv"):
        assert not_a_seed not in output
    assert untracked_or_ignored(team_repo) == []  # no report, no .seed-validator/ left behind


@pytest.mark.timeout(600)
def test_files_override_keeps_the_extension_filter_and_paths_sets_the_corpus(
        hook_repo: tuple[Path, str, Path], tmp_path: Path) -> None:
    shadow, rev, home = hook_repo
    repo = tmp_path / "elsewhere"
    (repo / "data").mkdir(parents=True)
    (repo / "seeds").mkdir()
    (repo / "data" / "bad.txt").write_text(variant(("quality: 37", "quality: lots")), encoding="utf-8")
    (repo / "data" / "other.yaml").write_text("webUrl: \"https://reason.com/story-1/\"\n", encoding="utf-8")
    (repo / "data" / "index.csv").write_text("file\n", encoding="utf-8")
    (repo / "data" / ".gitkeep").write_text("", encoding="utf-8")
    (repo / "seeds" / "ignored.txt").write_text("not checked: the hook looks in data/\n", encoding="utf-8")
    (repo / "seed-validator.toml").write_text('paths = ["data"]\n', encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {shadow}\n    rev: {rev}\n    hooks:\n      - id: seed-validator\n        files: ^data/\n",
        encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    done = pre_commit("run", "--all-files", cwd=repo, home=home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "data/bad.txt:11:10: error schema/type" in done.stdout
    assert "data/other.yaml:" in done.stdout  # a plain YAML seed missing its required fields
    for not_checked in ("seeds/ignored.txt", "index.csv", ".gitkeep"):
        assert not_checked not in done.stdout
    assert untracked_or_ignored(repo) == []


def test_a_duplicate_split_between_two_runs_is_found_by_each(tmp_path: Path) -> None:
    """What pre-commit's batches rely on, at the command line: each half finds its side of the pair."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for n in range(6):
        (seeds / f"s{n}.txt").write_text(seed_with_article(n), encoding="utf-8")
    (seeds / "s5.txt").write_text(seed_with_article(0), encoding="utf-8")
    files = sorted(f"seeds/{p.name}" for p in seeds.iterdir())
    first, second = run("check", "--offline", "--format", "none", *files[:3], cwd=tmp_path), \
        run("check", "--offline", "--format", "none", *files[3:], cwd=tmp_path)
    assert "seeds/s0.txt:7:9: warning seed/duplicate-article same article as seeds/s5.txt" in first.stdout
    assert "seeds/s5.txt:7:9: warning seed/duplicate-article same article as seeds/s0.txt" in second.stdout
    whole = run("check", "--offline", "--format", "none", *files, cwd=tmp_path)
    assert "3 file(s)" in first.stdout and "3 file(s)" in second.stdout and "6 file(s)" in whole.stdout
    duplicates = [line for line in whole.stdout.splitlines() if "duplicate-article" in line]
    assert [line.split(":")[0] for line in duplicates] == ["seeds/s0.txt", "seeds/s5.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seeds"]
