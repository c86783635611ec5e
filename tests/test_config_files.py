"""Config files come with the checkout (a pull request can add or change one): each is read only as a
regular file of at most 1 MiB, never through a symlink that leaves the working tree, and the schema one
names only from inside it. Every refusal is exit 2 with one line; nothing is read that could block."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REAL_SEED
from tests.test_cli import run

SECRET = "ghp_fake-secret-token-0123456789"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A working tree (no git above: the working directory is the tree) and, beside it, a secret."""
    work = tmp_path / "work"
    (work / "seeds").mkdir(parents=True)
    shutil.copy(REAL_SEED, work / "seeds" / "a.txt")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.toml").write_text(f'{SECRET} = "{SECRET}"\n', encoding="utf-8")
    (outside / "secret.json").write_text(f'{{"type": "{SECRET}"}}', encoding="utf-8")
    return work


def refused(work: Path, *args: str) -> str:
    done = run("check", "--offline", *args, "seeds", cwd=work)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and SECRET not in done.stdout + done.stderr
    assert not (work / "reports").exists()
    return done.stderr


@pytest.mark.parametrize("name", ["seed-validator.toml", "pyproject.toml"])
def test_a_config_symlink_leaving_the_tree_is_not_read(work: Path, name: str) -> None:
    (work / name).symlink_to(work.parent / "outside" / "secret.toml")
    assert f"{work / name} is a symlink that leaves the working tree" in refused(work)


def test_a_config_symlink_to_dev_zero_is_not_read(work: Path) -> None:
    (work / "seed-validator.toml").symlink_to("/dev/zero")
    assert "is a symlink that leaves the working tree" in refused(work)


def test_a_fifo_config_is_refused_without_waiting_for_a_writer(work: Path) -> None:
    os.mkfifo(work / "seed-validator.toml")
    assert f"config file {work / 'seed-validator.toml'} is not a regular file" in refused(work)


def test_a_device_named_with_config_is_refused(work: Path) -> None:
    assert "config file /dev/zero is not a regular file" in refused(work, "--config", "/dev/zero")


def test_a_config_over_1_mib_is_refused(work: Path) -> None:
    (work / "seed-validator.toml").write_text("# padding\n" * 110_000, encoding="utf-8")
    assert "is larger than 1048576 bytes" in refused(work)


def test_a_config_in_the_tree_naming_a_schema_outside_it_is_refused(work: Path) -> None:
    (work / "seed-validator.toml").write_text('schema = "../outside/secret.json"\n', encoding="utf-8")
    assert "seed-validator.toml: schema '../outside/secret.json' leads outside the working tree" in refused(work)
    (work / "seed-validator.toml").write_text('schema = "schema.json"\n', encoding="utf-8")
    (work / "schema.json").symlink_to(work.parent / "outside" / "secret.json")
    assert "seed-validator.toml: schema 'schema.json' leads outside the working tree" in refused(work)


def test_a_config_and_schema_inside_the_tree_are_used(work: Path) -> None:
    (work / "schema.json").write_text('{"type": "object", "required": ["nope"]}', encoding="utf-8")
    (work / "conf").mkdir()
    (work / "conf" / "seed-validator.toml").write_text('schema = "schema.json"\n', encoding="utf-8")
    (work / "seed-validator.toml").symlink_to("conf/seed-validator.toml")  # a symlink within the tree is fine
    done = run("check", "--offline", "seeds", cwd=work)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "'nope' is a required property" in done.stdout
