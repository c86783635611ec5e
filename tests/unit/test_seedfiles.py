"""Glob matching and output recognition, one case each; the behaviour a user sees is in tests/test_selection.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import real_seed_text
from validator.patterns import compile_path_globs
from validator.seedfiles import FileFilter, Skip
from validator.written import REPORT_MARKER, written_by_seed_validator


@pytest.mark.parametrize("glob, path, matches", [
    ("build", "build", True), ("build", "build/x.txt", True), ("build", "builds", False),
    ("*.bak.md", "a.bak.md", True), ("*.bak.md", "d/a.bak.md", False),  # '*' stays within a name
    ("a/**/c", "a/c", True), ("a/**/c", "a/b/b/c/d.md", True), ("a/**/c", "a/b/cc", False),
    ("x[!0-9]y", "x_y", True), ("x[!0-9]y", "x1y", False), ("[[]x]", "[x]", True),
    ("a+(b)", "a+(b)", True), ("a.c", "abc", False),  # regex characters are literal
])
def test_globs(glob: str, path: str, matches: bool) -> None:
    compiled = compile_path_globs((glob,))
    assert compiled is not None and compiled.match(path) is matches


def test_a_pathological_glob_is_matched_in_linear_time() -> None:
    compiled = compile_path_globs(("*a*a*a*a*a*a*a*a*a*a*a*a*b",))
    assert compiled is not None and not compiled.match("a" * 4000)


def test_name_globs_match_below_the_root_only_and_path_globs_from_their_folder(tmp_path: Path) -> None:
    chosen = FileFilter.of(["build", "*.tmp.md", "seeds/old"], cwd=tmp_path)
    walked = [*FileFilter.of(["build"]).found([Path("build/seeds/a.txt"), Path("build/seeds/build/b.txt")],
                                               [Path("build/seeds")], look=False)]
    assert walked == [Path("build/seeds/a.txt")]  # the folder walked was named: only names below it count
    assert chosen.skip(Path("x/n.tmp.md"), look=False) is Skip.EXCLUDED
    assert chosen.excluded(tmp_path / "seeds" / "old" / "a.txt")
    assert not chosen.excluded(tmp_path / "other" / "seeds" / "old" / "a.txt")


@pytest.mark.parametrize("head, ours", [
    (f"{REPORT_MARKER}\n# seed-validator report\n".encode(), True),
    (b"# seed-validator report\n\nRun ...", True),
    (b'{\n  "format_version": 1,\n  "tool": {\n    "name": "seed-validator",', True),
    (b"# Changes from a.json to b.json\n\n### New findings (2)\n\n- x", True),
    (b"# Changes from 1.0 to 2.0\n\n- a changelog entry\n", False),
    (b'{"tool": {"name": "other"}}', False),
    (b'---\ntitle: "{\\"tool\\": {\\"name\\": \\"seed-validator\\"" \n---\n', False),  # a seed, whatever it says
    (b"", False),
])
def test_outputs_are_known_by_their_first_bytes(head: bytes, ours: bool) -> None:
    assert written_by_seed_validator(head) is ours


def test_a_special_file_is_left_to_loading(tmp_path: Path) -> None:
    fifo = tmp_path / "README.md"
    os.mkfifo(fifo)  # opening it for reading must not block
    assert FileFilter().skip(fifo) is None
    (tmp_path / "README.txt").write_text(real_seed_text(), encoding="utf-8")
    assert FileFilter().skip(tmp_path / "README.txt") is None  # front matter: a seed


def test_the_default_excludes_pass_over_what_pip_install_e_leaves_behind(tmp_path: Path) -> None:
    # `pip install -e .` writes seed_validator.egg-info/*.txt next to the seeds of a repository's root.
    from validator.config import Settings  # noqa: PLC0415

    chosen = Settings().file_filter()
    assert chosen.excluded(Path("seed_validator.egg-info/SOURCES.txt"))
    assert not chosen.excluded(Path("seeds/egg-info.txt"))


def test_a_file_name_that_is_not_utf8_goes_through_the_globs() -> None:
    # os.fsdecode(b"\x80.txt") holds a lone surrogate, which RE2 cannot encode (found by tests/hostile/test_fuzz.py)
    name = os.fsdecode(b"\x80.txt")
    compiled = compile_path_globs(("*.txt", "a?.md"))
    assert compiled is not None and compiled.match(name) and compiled.match(os.fsdecode(b"a\x80.md"))
    literal = compile_path_globs(("x.txt",))
    assert literal is not None and not literal.match(name)
    assert not FileFilter.of(["*.bak"]).excluded(Path(name))
