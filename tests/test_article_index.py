"""The article index (validate/article_index.py) gives every run over some files the duplicate-article findings a
full scan of the corpus gives, whatever happened to the corpus or to the index file in between.

Runs are in-process (pipeline.run over chosen files, as --changed-since and files named make it); the
command-line tests at the end go through the console script. Files count as settled 30 ms after they were
written here (filekeys.SETTLED_NS), so that stat keys are kept and used within a test.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import record_text
from tests.test_ci_workflows import git
from tests.test_cli import run
from validator import filekeys, pipeline
from validator.config import CacheSettings, Settings
from validator.models import RunResult
from validator.tree import Tree
from validator.validate import article_index
from validator.validate.article_index import INDEX_NAME
from validator.validate.index_store import FORMAT, MAX_INDEX_BYTES

SETTLED_NS = 30_000_000


@pytest.fixture(autouse=True)
def _quickly_settled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filekeys, "SETTLED_NS", SETTLED_NS)


def settle() -> None:
    time.sleep(2 * SETTLED_NS / 1e9)


def url_of(n: int) -> str:
    return f"https://news.example/2021/story-{n}"


def seed_text(n: int, url: str | None = None) -> str:
    """A generated record (bench/corpus.py: varied, some with planted defects) about its own article."""
    lines = record_text(n).splitlines(keepends=True)
    article = url or url_of(n)
    return "".join(f'{line.split(":", 1)[0]}: "{article}"\n' if line.startswith(("webUrl:", "originalUrl:")) else line
                   for line in lines)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository of 40 seed files (000 and 037, 001 and 038, 002 and 039 share an article), the cache
    folder made (as a CI cache restores it), committed; the working directory."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for n in range(40):
        (seeds / f"{n:03d}.txt").write_text(seed_text(n, url_of(n % 37)), encoding="utf-8")
    (tmp_path / ".seed-validator").mkdir()
    (tmp_path / ".gitignore").write_text(".seed-validator/\nreports/\n", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "corpus")
    monkeypatch.chdir(tmp_path)
    settle()
    return tmp_path


def check(*files: str, cache: bool = True) -> RunResult:
    """An offline run over these files, the rest of seeds/ as its corpus (what --changed-since does)."""
    settings = Settings(paths=(Path("seeds"),), offline=True, jobs=1, cache=CacheSettings(enabled=cache))
    return pipeline.run(settings, scope=pipeline.Scope(files=tuple(map(Path, files)), tree=Tree.working()))


def seen(result: RunResult) -> tuple[list[tuple[object, ...]], list[str]]:
    """What a user is told: every finding as reported, and the notes."""
    return [(f.file, f.line, f.column, f.pointer, f.rule, f.severity, f.message) for f in result.findings], \
        result.notes


def index() -> Path:
    return Path(".seed-validator") / INDEX_NAME


def duplicates(result: RunResult) -> list[str]:
    return [f"{f.file}: {f.message}" for f in result.findings if f.rule == "seed/duplicate-article"]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The files a run reads, in order."""
    done: list[str] = []
    real = Tree.read

    def counted(tree: Tree, path: Path, max_bytes: int) -> object:
        done.append(path.as_posix())
        return real(tree, path, max_bytes)

    monkeypatch.setattr(Tree, "read", counted)
    yield done


def test_a_second_run_reads_only_the_file_it_checks(work: Path, reads: list[str]) -> None:
    first = check("seeds/010.txt")
    assert index().is_file() and len(reads) == 41  # the corpus, and the checked file for its own check
    assert duplicates(first) == []
    reads.clear()
    (work / "seeds" / "011.txt").write_text(seed_text(11, url_of(10)), encoding="utf-8")
    second = check("seeds/011.txt")
    assert reads == ["seeds/011.txt", "seeds/011.txt"]  # found changed by its stat key, then checked
    assert duplicates(second) == ["seeds/011.txt: same article as seeds/010.txt: https://news.example/2021/story-10"]
    assert seen(second) == seen(check("seeds/011.txt", cache=False))


def test_an_edit_that_keeps_size_and_mtime_is_seen(work: Path, reads: list[str]) -> None:
    path = work / "seeds" / "015.txt"
    check("seeds/010.txt")
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("story-15", "story-10"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # what an editor or a restore may do
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    reads.clear()
    result = check("seeds/010.txt")
    assert "seeds/015.txt" in reads  # its ctime moved: read again
    assert duplicates(result) == ["seeds/010.txt: same article as seeds/015.txt: https://news.example/2021/story-10"]


def test_renamed_deleted_and_new_files(work: Path) -> None:
    seeds = work / "seeds"
    check("seeds/010.txt")
    (seeds / "037.txt").rename(seeds / "renamed.txt")  # shares its article with 000.txt
    (seeds / "038.txt").unlink()  # shared one with 001.txt
    (seeds / "new.yaml").write_text(seed_text(2).split("---\n")[1], encoding="utf-8")  # plain YAML: story 2 too
    settle()
    for files in (("seeds/000.txt",), ("seeds/001.txt",), ("seeds/002.txt",), ("seeds/renamed.txt",)):
        assert seen(check(*files)) == seen(check(*files, cache=False)), files
    assert duplicates(check("seeds/000.txt")) == [
        "seeds/000.txt: same article as seeds/renamed.txt: https://news.example/2021/story-0"]
    assert duplicates(check("seeds/001.txt")) == []
    assert duplicates(check("seeds/002.txt")) == [
        "seeds/002.txt: same article as seeds/039.txt: https://news.example/2021/story-2"]
    assert duplicates(check("seeds/new.yaml")) == [
        "seeds/new.yaml: same article as seeds/002.txt: https://news.example/2021/story-2"]


def test_a_fresh_checkout_finds_unchanged_files_by_git_blob_ids(work: Path, tmp_path_factory: pytest.TempPathFactory,
                                                                reads: list[str], monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    monkeypatch.setattr(article_index, "GIT_FROM", 1)  # 40 files: ask git however few are missed
    check("seeds/001.txt")
    clone = tmp_path_factory.mktemp("ci") / "clone"
    subprocess.run(["git", "clone", "-q", str(work), str(clone)], check=True, capture_output=True)
    shutil.copytree(work / ".seed-validator", clone / ".seed-validator")  # the CI cache restored
    monkeypatch.chdir(clone)
    (clone / "seeds" / "003.txt").write_text(seed_text(3, url_of(4)), encoding="utf-8")  # the pull request's change
    reads.clear()
    result = check("seeds/003.txt")
    assert sorted(reads) == ["seeds/003.txt", "seeds/003.txt"]  # every other file known from git's blob id
    assert duplicates(result) == ["seeds/003.txt: same article as seeds/004.txt: https://news.example/2021/story-4"]
    assert seen(result) == seen(check("seeds/003.txt", cache=False))


def test_without_git_files_are_found_by_their_content(work: Path, reads: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(article_index, "GIT_FROM", 1)
    check("seeds/001.txt")
    monkeypatch.setenv("PATH", str(work / "nowhere"))  # no git to ask
    for path in (work / "seeds").iterdir():
        path.write_bytes(path.read_bytes())  # new ctimes: no stat key holds
    reads.clear()
    assert seen(check("seeds/001.txt")) == seen(check("seeds/001.txt", cache=False))
    assert len(reads) == 41 + 41  # all read (and hashed) by the first run, read again by the one without index


def test_random_edits_give_the_same_reports_with_and_without_the_index(work: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(article_index, "GIT_FROM", 4)
    rng = random.Random(12)
    root, clones = work, 0
    for round_ in range(30):
        for _ in range(rng.randint(1, 4)):
            _edit(rng, root / "seeds", round_)
        if rng.random() < 0.2:
            git(root, "add", "-A")
            git(root, "commit", "-q", "-m", f"round {round_}")
        if rng.random() < 0.15:  # CI: a fresh checkout of what was committed, the cache restored
            clones += 1
            clone = work.parent / f"clone{clones}"
            subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True, capture_output=True)
            shutil.copytree(root / ".seed-validator", clone / ".seed-validator")
            root = clone
            monkeypatch.chdir(root)
        if rng.random() < 0.5:
            settle()
        names = sorted(path.name for path in (root / "seeds").iterdir())
        chosen = [f"seeds/{name}" for name in rng.sample(names, rng.randint(1, 3))]
        assert seen(check(*chosen)) == seen(check(*chosen, cache=False)), (round_, chosen)
    assert clones and json.loads(index().read_text(encoding="utf-8"))["format"] == FORMAT


def _edit(rng: random.Random, seeds: Path, round_: int) -> None:
    """One change a user makes: an article changed (to another file's or a new one), a file renamed, deleted,
    added, copied, edited in place keeping its size and mtime, or only touched."""
    path = rng.choice(sorted(seeds.iterdir()))
    what = rng.choice(["duplicate", "unique", "rename", "delete", "new", "copy", "in place", "touch"])
    if what == "duplicate":
        path.write_text(seed_text(round_, url_of(rng.randrange(45))), encoding="utf-8")
    elif what == "unique":
        path.write_text(seed_text(round_, url_of(1000 + round_)), encoding="utf-8")
    elif what == "rename":
        path.rename(seeds / f"r{round_}-{path.name}")
    elif what == "delete" and len(list(seeds.iterdir())) > 5:
        path.unlink()
    elif what == "new":
        (seeds / f"n{round_}.txt").write_text(seed_text(100 + round_, url_of(rng.randrange(45))), encoding="utf-8")
    elif what == "copy":
        shutil.copy(path, seeds / f"c{round_}-{path.name}")
    elif what == "in place":  # the article's year changes: same size, the mtime put back
        before = path.stat()
        text = path.read_text(encoding="utf-8")
        year = "/2021/" if "/2021/story" in text else "/2022/"
        path.write_text(text.replace(f"{year}story", f"{'/2022/' if year == '/2021/' else '/2021/'}story"),
                        encoding="utf-8")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    elif what == "touch":
        os.utime(path, ns=(time.time_ns(), time.time_ns()))


# -- the index file comes from outside --

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
    assert result.notes == [f"article index {index()} was not usable ({MAX_INDEX_BYTES + 1:,} bytes, over "
                            f"{MAX_INDEX_BYTES:,}); rebuilt it"]
    assert index().stat().st_size < 1 << 20


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
    assert findings == reference[0] and len(notes) == 1 and "was not usable" in notes[0], notes


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


def test_an_offline_run_makes_no_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "seeds").mkdir()
    for n in range(3):
        (tmp_path / "seeds" / f"{n}.txt").write_text(seed_text(n), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    check("seeds/0.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seeds"]


# -- through the console script --

def test_no_cache_neither_reads_nor_writes_the_index(work: Path) -> None:
    index().write_text("{not an index", encoding="utf-8")
    done = run("check", "--offline", "--format", "json", "--no-cache", "--changed-since", "HEAD", cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr
    assert index().read_text(encoding="utf-8") == "{not an index"
    assert "article index" not in done.stdout
    help_text = " ".join(run("check", "--help", cwd=work).stdout.split())
    assert "--no-cache neither read nor write the link cache nor the article index" in help_text


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
