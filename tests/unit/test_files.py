"""Safe reading (files.read_bounded) and the reading boundary (tree.Tree): what is read, what is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from validator.files import Refusal, read_bounded
from validator.tree import Tree, discover, display_path, repository_top, working_tree


def refused(outcome: bytes | Refusal) -> tuple[str, str]:
    assert isinstance(outcome, Refusal), outcome
    return outcome.rule, outcome.message


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"x" * 100)
    assert read_bounded(tmp_path / "a.txt", 100) == b"x" * 100


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")  # no writer: opening it for reading would wait forever
    assert refused(read_bounded(tmp_path / "pipe.txt", 100)) == (
        "yaml/not-a-file", "a FIFO (named pipe), not a regular file: not read")


def test_a_symlink_to_a_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    assert refused(read_bounded(tmp_path / "zero.txt", 100))[1].startswith("a character device")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_file_longer_than_stat_says_is_read_only_up_to_the_limit() -> None:
    assert Path("/proc/self/status").stat().st_size == 0  # stat says empty; reading gives a kilobyte or more
    rule, message = refused(read_bounded("/proc/self/status", 100))
    assert rule == "yaml/too-large" and "holds more than 100 bytes (its size reads as 0)" in message


def test_too_large_by_its_size_and_unreadable_paths(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"x" * 101)
    assert refused(read_bounded(tmp_path / "big.txt", 100))[0] == "yaml/too-large"
    assert refused(read_bounded(tmp_path, 100)) == ("yaml/unreadable", "cannot read file: Is a directory")
    assert refused(read_bounded(tmp_path / "gone.txt", 100)) == (
        "yaml/unreadable", "cannot read file: No such file or directory")
    assert refused(read_bounded(tmp_path / ("x" * 5000), 100)) == (
        "yaml/unreadable", "cannot read file: File name too long")


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """tmp/work (the tree: a git checkout) with seeds inside, tmp/outside beside it."""
    work, outside = tmp_path / "work", tmp_path / "outside"
    (work / ".git").mkdir(parents=True)
    (work / "seeds" / "sub").mkdir(parents=True)
    (work / "other").mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("secret", encoding="utf-8")
    (work / "seeds" / "a.txt").write_text("a", encoding="utf-8")
    (work / "seeds" / "sub" / "b.md").write_text("b", encoding="utf-8")
    (work / "other" / "c.txt").write_text("c", encoding="utf-8")
    (work / "seeds" / "leak.txt").symlink_to(outside / "secret.txt")
    (work / "seeds" / "leakdir").symlink_to(outside)
    (work / "seeds" / "linked").symlink_to(work / "other")  # inside the tree: followed
    (work / "seeds" / "sub" / "loop").symlink_to(work / "seeds")  # a cycle: walked once
    return work


def walked(tree: Tree, *paths: Path) -> list[str]:
    return [p.as_posix() for p in tree.walk(paths)]


def test_walking_follows_links_inside_the_tree_once_and_reports_those_that_leave_it(
        layout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(layout / "seeds")  # the tree is the git top-level, not the current directory
    tree = Tree(working_tree())
    assert tree.root == str(layout.resolve())
    files = walked(tree, Path(), Path("../other/c.txt"))
    assert files == ["a.txt", "leak.txt", "leakdir", "linked/c.txt", "sub/b.md", "../other/c.txt"]
    reads = {name: tree.read(Path(name), 100) for name in files}
    assert reads["a.txt"] == b"a" and reads["linked/c.txt"] == b"c" and reads["../other/c.txt"] == b"c"
    assert reads["sub/b.md"] == b"b"
    message = "symlink leaves the tree: not read (--follow-symlinks reads what it points to)"
    assert refused(reads["leak.txt"]) == refused(reads["leakdir"]) == ("yaml/outside-tree", message)


def test_paths_outside_the_tree_are_refused_even_with_follow_symlinks(layout: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(layout)
    for tree in (Tree(working_tree()), Tree(working_tree(), follow_symlinks=True)):
        assert walked(tree, Path("../outside")) == ["../outside"]
        assert refused(tree.read(Path("../outside/secret.txt"), 100))[1].startswith("outside the working tree")


def test_follow_symlinks_reads_what_links_point_to(layout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(layout)
    tree = Tree(working_tree(), follow_symlinks=True)
    assert "seeds/leakdir/secret.txt" in walked(tree, Path("seeds"))
    assert tree.read(Path("seeds/leak.txt"), 100) == b"secret"


def test_the_run_s_own_folders_are_skipped(layout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(layout)
    assert [p.as_posix() for p in discover([Path("seeds")], skip=[Path("other")])] == [
        "seeds/a.txt", "seeds/leak.txt", "seeds/leakdir/secret.txt", "seeds/sub/b.md"]


def test_a_folder_too_deep_to_open_is_yielded_for_its_finding(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("seeds").mkdir()
    fd = os.open("seeds", os.O_RDONLY)
    for _ in range(2100):  # 'seeds/d/d/…': past PATH_MAX (4,096) long before the bottom
        os.mkdir("d", dir_fd=fd)
        child = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = child
    os.close(fd)
    tree = Tree(working_tree())
    [deepest] = tree.walk([Path("seeds")])
    assert len(str(deepest)) >= 4096
    assert refused(tree.read(deepest, 100)) == ("yaml/unreadable", "cannot read folder: File name too long")
    _remove_chain(tmp_path / "seeds", "d")


def _remove_chain(top: Path, name: str) -> None:
    fd = os.open(top, os.O_RDONLY)
    depth = 0
    while True:
        try:
            child = os.open(name, os.O_RDONLY, dir_fd=fd)
        except FileNotFoundError:
            break
        os.close(fd)
        fd, depth = child, depth + 1
    for _ in range(depth):
        parent = os.open("..", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        os.rmdir(name, dir_fd=parent)
        fd = parent
    os.close(fd)


def test_display_path_escapes_bytes_that_are_not_utf8() -> None:
    name = os.fsdecode(b"seeds/caf\xe9 \xff.txt")
    assert display_path(Path(name)) == "seeds/caf\\xe9 \\xff.txt"
    assert display_path(Path("seeds/café.txt")) == "seeds/café.txt"


def test_a_path_named_through_a_symlink_to_the_tree_is_inside(layout: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "alias").symlink_to(layout)  # e.g. a home folder reached through a link
    monkeypatch.chdir(layout)
    tree = Tree(working_tree())
    assert tree.read(tmp_path / "alias" / "seeds" / "a.txt", 100) == b"a"


def test_one_repository_top_for_reading_config_discovery_and_sarif(tmp_path: Path) -> None:
    """A git checkout (.git a folder or a worktree's file) or a Mercurial one: the run reads within its top,
    config discovery stops there; outside any repository, the folder itself (symlinks resolved)."""
    deep = tmp_path / "hg" / "news" / "2021"
    deep.mkdir(parents=True)
    assert repository_top(deep) is None or repository_top(deep) not in (tmp_path / "hg", deep)
    (tmp_path / "hg" / ".hg").mkdir()
    assert repository_top(deep) == tmp_path / "hg" and working_tree(deep) == (tmp_path / "hg").resolve()
    (tmp_path / "hg" / "news" / ".git").write_text("gitdir: /elsewhere\n", encoding="utf-8")  # a worktree
    assert working_tree(deep) == (tmp_path / "hg" / "news").resolve()
    alias = tmp_path / "alias"
    alias.symlink_to(deep)
    assert working_tree(alias) == (tmp_path / "hg" / "news").resolve()


def test_a_cache_folder_the_run_makes_is_ignored_by_git(tmp_path: Path) -> None:
    """A new-user trial: `.seed-validator/` (link cache, article index) showed in `git status` and `git add -A`
    committed it; a folder the run makes now carries a `.gitignore` of its own, as pytest's and ruff's do."""
    import subprocess  # noqa: PLC0415

    from validator.files import cache_folder  # noqa: PLC0415

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    cache_folder(tmp_path / ".seed-validator")
    (tmp_path / ".seed-validator" / "cache.sqlite").write_bytes(b"x")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=tmp_path,
                            capture_output=True, text=True, check=True)
    assert status.stdout == ""
