"""The article index file comes from outside the run (actions/cache, another version, a configuration a pull
request controls): whatever it holds, the run's findings are those of a full scan, with at most one note,
and the next run has a good index again. What a forged one can do is what docs/architecture.md says."""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.test_article_index import _quickly_settled, check, duplicates, index, reads, seed_text, seen, url_of, work
from tests.test_cli import run
from validator.validate import article_index
from validator.validate.article_index import BYTES_BASE, BYTES_PER_FILE
from validator.validate.index_store import FORMAT, MAX_INDEX_BYTES

__all__ = ["_quickly_settled", "reads", "work"]  # fixtures


HOSTILE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda good: good[: len(good) // 2],
    "not UTF-8": lambda good: b"\xff\xfe" + good,
    "not JSON": lambda good: b"\x00" * 100,
    "nested too deep": lambda _: b"[" * 200_000 + b"]" * 200_000,
    "a list": lambda _: b"[]",
    "another format": lambda _: json.dumps({"format": "something else"}).encode(),
    "stat of strings": lambda good: _changed(good, "stats", lambda s: [str(v) for v in s]),
    "identities not strings": lambda good: _changed(good, "identities", lambda i: [[1, 2]] * len(i)),
    "columns of other lengths": lambda good: _changed(good, "contents", lambda c: c[:-1]),
    "huge numbers": lambda good: good.replace(b'"stats":[', b'"stats":[' + b"1" * 5000 + b",", 1),
}


def _changed(good: bytes, column: str, change: Callable[[list[Any]], list[Any]]) -> bytes:
    document = json.loads(good)
    document[column] = change(document[column])
    return json.dumps(document).encode()


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_an_unusable_index_is_one_note_and_rebuilt(work: Path, kind: str) -> None:
    reference = seen(check("seeds/001.txt", cache=False))
    check("seeds/001.txt")
    index().write_bytes(HOSTILE[kind](index().read_bytes()))
    findings, notes = seen(check("seeds/001.txt"))
    assert findings == reference[0]
    if kind == "huge numbers":  # JSON this version cannot read (Python's digit limit): not an index
        assert notes == [f"article index {index()} was not usable (not JSON); rebuilt it"]
    else:
        assert len(notes) == 1 and notes[0].startswith(f"article index {index()} was not usable ("), notes
    assert seen(check("seeds/001.txt")) == reference  # rebuilt: no note the next time
    assert json.loads(index().read_text(encoding="utf-8"))["format"] == FORMAT


def test_a_huge_index_is_refused_unread(work: Path, reads: list[str]) -> None:
    with index().open("wb") as huge:
        huge.truncate(MAX_INDEX_BYTES + 1)  # sparse: refused on its size
    result = check("seeds/001.txt")
    bound = BYTES_BASE + BYTES_PER_FILE * 40  # the corpus's 40 files
    assert result.notes == [f"article index {index()} was not usable ({MAX_INDEX_BYTES + 1:,} bytes, over "
                            f"{bound:,} for this corpus); rebuilt it"]
    assert index().stat().st_size < 1 << 20


def test_an_index_larger_than_its_corpus_needs_is_refused_unread(work: Path) -> None:
    """An attacker trial's index: one entry with 7.4 million identities, just under 64 MiB, took 2.1 GB and
    29 s. An index is now read only up to what its corpus could need, and a file holds two article URLs."""
    check("seeds/001.txt")
    document = json.loads(index().read_text(encoding="utf-8"))
    document["identities"][0] = [f"https://x.example/{n}" for n in range(60_000)]
    index().write_text(json.dumps(document), encoding="utf-8")
    reference = seen(check("seeds/001.txt", cache=False))
    findings, notes = seen(check("seeds/001.txt"))
    assert findings == reference[0] and len(notes) == 1 and "for this corpus" in notes[0], notes
    document["identities"][0] = ["https://x.example/1", "https://x.example/2", "https://x.example/3"]
    index().write_text(json.dumps(document), encoding="utf-8")
    findings, notes = seen(check("seeds/001.txt"))
    assert findings == reference[0] and notes == [f"article index {index()} was not usable (entries of an "
                                                  "unexpected shape); rebuilt it"], notes


@pytest.mark.parametrize("kind", ["folder", "fifo", "symlink to /dev/zero"])
def test_an_index_that_is_no_file_is_not_opened(work: Path, kind: str) -> None:
    if kind == "folder":
        index().mkdir()
    elif kind == "fifo":
        os.mkfifo(index())  # opening it to read would wait for a writer
    else:
        index().symlink_to("/dev/zero")
    reference = seen(check("seeds/001.txt", cache=False))
    findings, notes = seen(check("seeds/001.txt"))
    said = "is a directory: not used; remove it" if kind == "folder" else "was not usable"  # nothing replaces one
    assert findings == reference[0] and len(notes) == 1 and said in notes[0], notes


def test_another_versions_index_is_rebuilt_without_a_word(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check("seeds/001.txt")
    monkeypatch.setattr(article_index, "__version__", "0.0.1")
    result = check("seeds/002.txt")
    assert result.notes == []
    assert json.loads(index().read_text(encoding="utf-8"))["key"]["tool"] == "0.0.1"


def test_a_forged_entry_only_speaks_for_a_file_with_that_very_content(work: Path) -> None:
    check("seeds/011.txt")
    document = json.loads(index().read_text(encoding="utf-8"))
    at = document["paths"].index("seeds/010.txt")
    document["identities"][at] = [url_of(11)]  # claims 010.txt is about story 11
    index().write_text(json.dumps(document), encoding="utf-8")
    # What docs/architecture.md says a forged index can do: a warning naming a file that is really there.
    assert duplicates(check("seeds/011.txt")) == [
        "seeds/011.txt: same article as seeds/010.txt: https://news.example/2021/story-11"]
    document["contents"][at] = "t" + "0" * 40 + ":1"  # the claim under a content key 010.txt does not have
    document["stats"][at * 5:at * 5 + 5] = [-1] * 5
    index().write_text(json.dumps(document), encoding="utf-8")
    assert duplicates(check("seeds/011.txt")) == []


def test_an_index_it_cannot_write_is_one_note(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*_: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(article_index, "write_index", refused)
    result = check("seeds/000.txt")
    assert duplicates(result) == ["seeds/000.txt: same article as seeds/037.txt: https://news.example/2021/story-0"]
    assert result.notes == [f"article index {index()} cannot be written (Read-only file system); runs over some "
                            "files read the whole corpus"]


def test_a_read_only_cache_folder_is_read_and_left_alone(work: Path) -> None:
    from tests.hostile.test_network import limited, writable_here  # noqa: PLC0415

    assert run("check", "--offline", "--format", "none", "seeds/010.txt", cwd=work).returncode == 0
    before = index().read_bytes()
    (work / "seeds" / "001.txt").write_text(seed_text(1, url_of(3)), encoding="utf-8")
    for path in (work / "seeds").iterdir():
        path.write_bytes(path.read_bytes())  # every stat key changed: the index would be written again
    folder = work / ".seed-validator"
    index().chmod(0o444)
    folder.chmod(0o555)
    try:
        if writable_here(index(), unprivileged=True):
            pytest.skip("file modes do not bind this user here (no way to drop the override)")
        code = "import sys\nfrom validator.cli import main\nraise SystemExit(main(sys.argv[1:]))"
        argv = limited(["-c", code, "check", "--offline", "--format", "json", "seeds/001.txt"],
                       work / "measured.json", unprivileged=True)
        done = subprocess.run(argv, cwd=work, capture_output=True, text=True, timeout=120, check=False)
    finally:
        folder.chmod(0o755)
    report = json.loads((work / "reports" / "report.json").read_text(encoding="utf-8"))
    found = [(v["file"], v["message"]) for v in report["violations"] if v["rule"] == "seed/duplicate-article"]
    assert found == [("seeds/001.txt", "same article as seeds/003.txt: https://news.example/2021/story-3")], \
        done.stdout + done.stderr
    notes = [note for note in report["run"]["notes"] if "article index" in note]
    assert len(notes) == 1 and "cannot be written" in notes[0], notes
    assert index().read_bytes() == before


def test_a_committed_index_is_not_used(work: Path) -> None:
    """An attacker trial: a pull request adds a duplicate of seeds/005.txt and commits (git add -f) an index
    saying no old file has an article; its run, over the new file, trusted it and warned of nothing."""
    check("seeds/001.txt")
    document = json.loads(index().read_text(encoding="utf-8"))
    document["identities"] = [[] for _ in document["identities"]]
    document["stats"] = [-1] * len(document["stats"])
    index().write_text(json.dumps(document), encoding="utf-8")
    Path("seeds/new.txt").write_text(seed_text(5, url_of(5)), encoding="utf-8")
    subprocess.run(["git", "add", "-f", str(index()), "seeds/new.txt"], check=True)
    subprocess.run(["git", "-c", "user.name=a", "-c", "user.email=a@example.invalid", "commit", "-qm", "pr"],
                   check=True)
    result = check("seeds/new.txt")
    assert duplicates(result) == ["seeds/new.txt: same article as seeds/005.txt: https://news.example/2021/story-5"]
    assert result.notes == [f"article index {index()} is tracked by git (committed: remove it with `git rm "
                            "--cached`): not used; runs over some files read the whole corpus"]


def test_an_index_folder_a_symlink_leads_out_of_the_tree_is_neither_read_nor_written(work: Path,
                                                                                     tmp_path_factory: Any) -> None:
    """An attacker trial: `.seed-validator` committed as a link to a folder elsewhere made an offline run (a
    pre-commit hook) write its index there."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    for entry in Path(".seed-validator").iterdir():
        entry.unlink()
    Path(".seed-validator").rmdir()
    Path(".seed-validator").symlink_to(elsewhere)
    result = check("seeds/001.txt")
    assert list(elsewhere.iterdir()) == []
    assert len(result.notes) == 1 and "led out of the working tree" in result.notes[0], result.notes
    assert duplicates(result) == duplicates(check("seeds/001.txt", cache=False))


def test_a_link_cache_folder_a_symlink_leads_out_of_the_tree_is_not_written(work: Path,
                                                                             tmp_path_factory: Any) -> None:
    """The link cache too (a run with links through a committed `.seed-validator` link wrote cache.sqlite
    elsewhere): an in-memory cache for the run, with a note."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    Path(".seed-validator").rmdir()
    Path(".seed-validator").symlink_to(elsewhere)
    Path("seeds/001.txt").write_text(seed_text(1).replace("https://", "http://127.0.0.1:9/"), encoding="utf-8")
    done = run("check", "--quiet", "--format", "json", "seeds/001.txt", cwd=Path.cwd())
    assert list(elsewhere.iterdir()) == []
    notes = json.loads(Path("reports/report.json").read_text(encoding="utf-8"))["run"]["notes"]
    assert any("link cache" in note and "symlink leads its folder out" in note for note in notes), (notes, done)
