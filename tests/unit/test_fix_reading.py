"""Fixing reads a seed file as the run reads seeds: inside the working tree, a regular file, bounded."""

from __future__ import annotations

from pathlib import Path

from validator.fix.apply import Read, read_source
from validator.tree import Tree

SEED = "---\ntitle: A\n---\n"


def test_a_file_outside_the_working_tree_is_not_read_for_fixing(tmp_path: Path) -> None:
    inside, outside = tmp_path / "tree", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    (outside / "a.md").write_text(SEED, encoding="utf-8")
    (inside / "link.md").symlink_to(outside / "a.md")
    (inside / "b.md").write_text(SEED, encoding="utf-8")
    tree = Tree(inside)
    assert isinstance(read_source(inside / "b.md", "b.md", max_bytes=1000, tree=tree), Read)
    for path in (outside / "a.md", inside / "link.md"):
        note = read_source(path, "a.md", max_bytes=1000, tree=tree)
        assert isinstance(note, str) and note.startswith("a.md: not fixed: "), note
        assert "working tree" in note or "leaves the tree" in note, note


def test_a_file_over_the_size_limit_or_not_regular_is_not_read_for_fixing(tmp_path: Path) -> None:
    (tmp_path / "big.md").write_text(SEED + "x" * 100, encoding="utf-8")
    (tmp_path / "folder.md").mkdir()
    tree = Tree(tmp_path)
    for name in ("big.md", "folder.md"):
        note = read_source(tmp_path / name, name, max_bytes=50, tree=tree)
        assert isinstance(note, str) and note.startswith(f"{name}: not fixed: "), note
