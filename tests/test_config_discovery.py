"""Configuration found the way ruff and pytest find theirs (issue 11.6): from the working directory upward to the
repository's top, seed-validator.toml before pyproject.toml in each folder, relative paths from the file's
folder, and the file used named in the report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REAL_SEED, variant
from tests.test_cli import run

BAD_QUALITY = variant(("quality: 37", "quality: -3"))  # schema/minimum: only the built-in schema minds it


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """outside/ holds a config that must never be read; outside/repo/ is the repository (it has .git)."""
    (tmp_path / "seed-validator.toml").write_text("concurency = 1\n", encoding="utf-8")  # an error if read
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "seeds" / "sub").mkdir(parents=True)
    shutil.copy(REAL_SEED, root / "seeds" / "a.txt")
    (root / "seeds" / "sub" / "b.txt").write_text(BAD_QUALITY, encoding="utf-8")
    return root


def options(folder: Path) -> dict[str, Any]:
    report = json.loads((folder / "reports" / "report.json").read_text(encoding="utf-8"))
    value: dict[str, Any] = report["run"]["options"]
    return value


def test_no_configuration_above_the_repository_is_read(repo: Path) -> None:
    done = run("check", "--offline", cwd=repo)
    assert done.returncode == 1, done.stderr
    assert options(repo)["config"] is None


def test_the_nearest_configuration_upward_applies_with_paths_from_its_folder(repo: Path) -> None:
    (repo / "lenient.json").write_text('{"type": "object"}', encoding="utf-8")
    (repo / "pyproject.toml").write_text('[tool.seed-validator]\nschema = "lenient.json"\n', encoding="utf-8")
    work = repo / "seeds" / "sub"
    done = run("check", "--offline", ".", cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr  # the lenient schema, found two folders up
    found = options(work)
    assert found["config"] == str(repo / "pyproject.toml")
    assert found["schema"] == str(repo / "lenient.json")  # the cache path too (tests/unit/test_config.py)


def test_seed_validator_toml_comes_before_pyproject_and_a_nearer_folder_before_a_farther(repo: Path) -> None:
    (repo / "lenient.json").write_text('{"type": "object"}', encoding="utf-8")
    (repo / "seed-validator.toml").write_text('schema = "lenient.json"\n', encoding="utf-8")
    (repo / "pyproject.toml").write_text('[tool.seed-validator]\nschema = "missing.json"\n', encoding="utf-8")
    assert run("check", "--offline", cwd=repo).returncode == 0
    assert options(repo)["config"] == "seed-validator.toml"
    seeds = repo / "seeds"
    (seeds / "pyproject.toml").write_text('[tool.seed-validator]\nmax-file-size = 100\n', encoding="utf-8")
    nearer = run("check", "--offline", ".", cwd=seeds)
    assert "over the limit of 100" in nearer.stdout and options(seeds)["config"] == "pyproject.toml"
    # a pyproject.toml without the table is passed over, as ruff does: the search goes on upward
    (seeds / "pyproject.toml").write_text('[project]\nname = "seeds"\n', encoding="utf-8")
    assert run("check", "--offline", ".", cwd=seeds).returncode == 0
    assert options(seeds)["config"] == str(repo / "seed-validator.toml")


def test_config_names_the_file_given(repo: Path) -> None:
    (repo / "conf").mkdir()
    (repo / "conf" / "strict.toml").write_text("max-file-size = 100\n", encoding="utf-8")
    done = run("check", "--offline", "--config", "conf/strict.toml", cwd=repo)
    assert done.returncode == 1 and options(repo)["config"] == "conf/strict.toml"


def test_a_git_worktree_or_submodule_is_a_repository_too(repo: Path) -> None:
    # Their .git is a file; the search stops there as at a .git folder, and SARIF paths start there.
    (repo / ".git").rmdir()
    (repo / ".git").write_text("gitdir: /elsewhere/.git/worktrees/repo\n", encoding="utf-8")
    done = run("check", "--offline", "--format", "json,sarif", cwd=repo)
    assert done.returncode == 1, done.stderr
    assert options(repo)["config"] is None
    sarif = json.loads((repo / "reports" / "report.sarif").read_text(encoding="utf-8"))
    uris = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for result in sarif["runs"][0]["results"]}
    assert uris == {"seeds/sub/b.txt"}
