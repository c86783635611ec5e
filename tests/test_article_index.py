"""The article index (validate/article_index.py) gives every run over some files the duplicate-article findings a
full scan of the corpus gives, whatever happened to the corpus or to the index file in between.

Runs are in-process (pipeline.run over chosen files, as --changed-since and files named make it); the
command-line tests at the end go through the console script. Files count as settled 30 ms after they were
written here (filekeys.SETTLED_NS), so that stat keys are kept and used within a test.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

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
from validator.validate.index_store import FORMAT

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


def test_a_cache_setting_naming_a_folder_keeps_both_caches_in_it(work: Path) -> None:
    """A new-user trial: `--cache .seed-validator` (the folder docs/ci.md caches) put the index in its
    parent, the repository top, and the link cache could not be opened ('a directory is in the way')."""
    settings = Settings(paths=(Path("seeds"),), offline=True, jobs=1,
                        cache=CacheSettings(path=Path(".seed-validator")))
    result = pipeline.run(settings, scope=pipeline.Scope(files=(Path("seeds/001.txt"),), tree=Tree.working()))
    assert result.notes == [] and index().is_file() and not Path(INDEX_NAME).exists()
