"""Selection a user can trust (issue 11.2), through the console script: a missing or empty path is a usage
error, nothing seed-validator wrote is read as a seed wherever it lies, exclude globs as ruff's, README-like
files without front matter left alone, --files-from without a PATH."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REAL_SEED, assert_valid_report
from tests.test_ci_workflows import git, seed_with_article
from tests.test_cli import SCRIPT, run

ALL_FORMATS = "json,md,junit,sarif,html"


def checked(folder: Path, output: str = "reports") -> list[str]:
    report = json.loads((folder / output / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(report)
    return sorted(entry["file"] for entry in report["files"])


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the repository's top: no configuration above it is read
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(REAL_SEED, seeds / "a.txt")
    return tmp_path


def test_a_folder_without_seed_files_is_exit_2_unless_allowed(corpus: Path) -> None:
    (corpus / "empty").mkdir()
    (corpus / "empty" / "notes.json").write_text("{}", encoding="utf-8")
    done = run("check", "--offline", "empty", cwd=corpus)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("seed-validator: error: no seed files under empty (a seed file is a .md, .txt, .yaml or "
                           ".yml file); --allow-empty accepts that\n")
    allowed = run("check", "--offline", "--allow-empty", "empty", cwd=corpus)
    assert allowed.returncode == 0 and "0 file(s), 0 record(s)" in allowed.stdout
    (corpus / "seed-validator.toml").write_text("allow-empty = true\n", encoding="utf-8")
    assert run("check", "--offline", "empty", cwd=corpus).returncode == 0


def test_a_missing_folder_is_exit_2_and_writes_nothing(corpus: Path) -> None:
    done = run("baseline", "--offline", "seeds", "seedz", cwd=corpus)
    assert done.returncode == 2
    assert done.stderr == "seed-validator: error: seedz: no such file or folder\n"
    assert not (corpus / "seed-validator-baseline.json").exists()
    odd = run("check", "--offline", "seeds\n::error::forged", cwd=corpus)  # the message stays one line
    assert odd.returncode == 2
    assert odd.stderr == "seed-validator: error: 'seeds\\n::error::forged': no such file or folder\n"


def test_nothing_seed_validator_wrote_is_read_as_a_seed_wherever_it_is(corpus: Path) -> None:
    assert run("check", "--offline", "--format", ALL_FORMATS, "--output-dir", "old", cwd=corpus).returncode == 0
    assert run("baseline", "--offline", "-o", "seeds/accepted.json", cwd=corpus).returncode == 0
    assert run("diff", "old/report.json", "old/report.json", "-o", "seeds/changes.md", cwd=corpus).returncode == 0
    shutil.copy(corpus / "old" / "report.md", corpus / "seeds" / "summary.md")  # renamed: known by content
    shutil.copytree(corpus / "old", corpus / "seeds" / "run-1")
    done = run("check", "--offline", ".", cwd=corpus)  # walks old/, seeds/run-1/, ...
    assert done.returncode == 0, done.stdout
    assert "1 file(s), 1 record(s)" in done.stdout
    assert checked(corpus) == ["seeds/a.txt"]
    for written in ("old/report.json", "old/report.sarif", "old/report.junit.xml", "old/report.html",
                    "seeds/accepted.json", "seeds/changes.md", "seeds/summary.md"):
        named = run("check", "--offline", written, cwd=corpus)  # even named, it is not a seed: passed over
        assert named.returncode == 0, written
        assert "0 file(s), 0 record(s)" in named.stdout
        assert f"note: {written} is not read as a seed: written by seed-validator\n" in named.stdout
    assert run("check", "--offline", "old", cwd=corpus).returncode == 2  # a folder of reports holds no seed
    listed = subprocess.run([SCRIPT, "check", "--offline", "--files-from", "-"], cwd=corpus, text=True,
                            input="seeds/a.txt\nseeds/summary.md\nseeds/changes.md\n", capture_output=True,
                            check=False)
    assert listed.returncode == 0 and "1 file(s), 1 record(s)" in listed.stdout


def test_a_report_committed_beside_the_seeds_is_not_checked_when_it_changes(corpus: Path) -> None:
    shutil.rmtree(corpus / ".git")
    git(corpus, "init", "-q", "-b", "main")
    git(corpus, "add", ".")
    git(corpus, "commit", "-q", "-m", "corpus")
    assert run("check", "--offline", "--output-dir", "seeds/reports", cwd=corpus).returncode == 0
    (corpus / "seeds" / "b.txt").write_text(seed_with_article(1), encoding="utf-8")
    done = run("check", "--offline", "--changed-since", "HEAD", "--output-dir", "out", cwd=corpus)
    assert done.returncode == 0 and "1 file(s), 1 record(s)" in done.stdout
    assert checked(corpus, "out") == ["seeds/b.txt"]


def test_readme_like_files_are_seeds_only_with_front_matter(corpus: Path) -> None:
    seeds = corpus / "seeds"
    (seeds / "README.md").write_text("# The seeds\n\nOne article per file.\n", encoding="utf-8")
    (seeds / "LICENSE.txt").write_text("MIT License\n", encoding="utf-8")
    (seeds / "sub").mkdir()
    (seeds / "sub" / "Changelog.md").write_text("## 1.0\n- first\n", encoding="utf-8")
    (seeds / "CONTRIBUTING.md").write_text("---\ntitle: a seed after all\n---\n", encoding="utf-8")
    done = run("check", "--offline", cwd=corpus)
    assert done.returncode == 1  # CONTRIBUTING.md has front matter: a seed, an incomplete one
    assert checked(corpus) == ["seeds/CONTRIBUTING.md", "seeds/a.txt"]
    assert "seeds/CONTRIBUTING.md:2:1: error schema/required 'category' is a required property" in done.stdout
    named = run("check", "--offline", "seeds/README.md", "seeds/a.txt", cwd=corpus)  # as pre-commit names them
    assert named.returncode == 0 and "1 file(s), 1 record(s)" in named.stdout
    assert "note: seeds/README.md is not read as a seed: documentation without front matter" in named.stdout
    (seeds / "CONTRIBUTING.md").unlink()
    (seeds / "a.txt").unlink()
    empty = run("check", "--offline", cwd=corpus)
    assert empty.returncode == 2
    assert "no seed files under seeds (not seeds: 3 documentation without front matter)" in empty.stderr


def test_exclude_globs_as_ruff_has_them(corpus: Path) -> None:
    seeds = corpus / "seeds"
    for folder in ("node_modules/pkg", "drafts", "2020/drafts", "2021"):
        (seeds / folder).mkdir(parents=True)
    broken = "---\ntitle: [unclosed\n---\n"
    for name in ("node_modules/pkg/x.txt", "drafts/d.txt", "2020/drafts/d.txt", "2021/old.bak.md", "2021/b.md"):
        (seeds / name).write_text(broken, encoding="utf-8")
    everything = run("check", "--offline", "--exclude-files", "", cwd=corpus)  # no defaults: node_modules too
    assert everything.returncode == 1 and "6 file(s)" in everything.stdout
    defaults = run("check", "--offline", cwd=corpus)
    assert "5 file(s)" in defaults.stdout and "node_modules" not in defaults.stdout
    # a name glob matches anywhere below the folder walked; one with '/' from the working directory
    flags = run("check", "--offline", "--extend-exclude-files", "*.bak.md,seeds/drafts", "--extend-exclude-files",
                "seeds/2021/b.md", cwd=corpus)
    assert checked(corpus) == ["seeds/2020/drafts/d.txt", "seeds/a.txt"], flags.stdout
    # in a config file, a glob with '/' is relative to the file's folder, wherever the run starts
    (corpus / "seed-validator.toml").write_text('extend-exclude-files = ["seeds/2021", "drafts/"]\n',
                                                encoding="utf-8")
    (corpus / "work").mkdir()
    config = run("check", "--offline", "../seeds", cwd=corpus / "work")
    assert config.returncode == 0 and checked(corpus / "work") == ["../seeds/a.txt"]
    # and the flag adds to the file's list
    assert run("check", "--offline", "--extend-exclude-files", "a.txt", cwd=corpus).returncode == 2
    # a file named as a PATH is checked anyway (ruff without --force-exclude)
    named = run("check", "--offline", "seeds/drafts/d.txt", cwd=corpus)
    assert named.returncode == 1 and "1 file(s)" in named.stdout


def test_a_glob_that_cannot_be_used_is_a_usage_error(corpus: Path) -> None:
    done = run("check", "--offline", "--extend-exclude-files", "x" * 1001, cwd=corpus)
    assert done.returncode == 2 and "'extend-exclude-files'" in done.stderr
    (corpus / "seed-validator.toml").write_text("exclude-files = 'build'\n", encoding="utf-8")
    done = run("check", "--offline", cwd=corpus)
    assert done.returncode == 2 and "'exclude-files' must be a list" in done.stderr


def test_a_repository_root_walked_reads_its_seeds_not_its_docs_and_tool_files(corpus: Path) -> None:
    """`check .` at a repository's top: Markdown without front matter (docs/*.md) and tool files (action.yml,
    mkdocs.yml) are passed over (named in the message when nothing is left); a Markdown file with front
    matter is a seed, and a file named on the command line is checked whatever it holds."""
    (corpus / "docs").mkdir()
    (corpus / "docs" / "guide.md").write_text("# How we edit\n", encoding="utf-8")
    (corpus / "action.yml").write_text("name: check seeds\nruns:\n  using: composite\n", encoding="utf-8")
    (corpus / "mkdocs.yaml").write_text("site_name: x\n", encoding="utf-8")
    (corpus / "docs" / "post.md").write_text("---\ntitle: a seed after all\n---\n", encoding="utf-8")
    done = run("check", "--offline", ".", cwd=corpus)
    assert done.returncode == 1, done.stdout + done.stderr  # post.md: a seed, an incomplete one
    assert checked(corpus) == ["docs/post.md", "seeds/a.txt"]
    (corpus / "docs" / "post.md").unlink()
    (corpus / "seeds" / "a.txt").unlink()
    empty = run("check", "--offline", ".", cwd=corpus)
    assert empty.returncode == 2
    assert "not seeds: 2 repository tool file without front matter, 1 documentation without front matter" \
        in empty.stderr
    named = run("check", "--offline", "docs/guide.md", cwd=corpus)  # named: checked as a seed
    assert named.returncode == 1 and "docs/guide.md:1:1: error yaml/front-matter" in named.stdout


def test_files_from_standard_input_needs_no_seeds_folder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "news").mkdir()
    shutil.copy(REAL_SEED, tmp_path / "news" / "one.txt")
    listed = "news/one.txt\nsrc/tool.py\nnews/.hidden.txt\n"  # a list of changed files: only seeds are checked
    done = subprocess.run([SCRIPT, "check", "--offline", "--files-from", "-"], cwd=tmp_path, text=True,
                          input=listed, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "1 file(s), 1 record(s)" in done.stdout
    missing = subprocess.run([SCRIPT, "check", "--offline", "--files-from", "-"], cwd=tmp_path, text=True,
                             input="news/one.txt\nnews/gone.txt\n", capture_output=True, check=False)
    assert missing.returncode == 2
    assert missing.stderr.startswith("seed-validator: error: --files-from: news/gone.txt: no such file")


def test_a_batch_of_named_files_without_a_seed_passes_with_notes(corpus: Path) -> None:
    # pre-commit names every changed file of seeds/; a commit changing only the README must pass.
    (corpus / "seeds" / "README.md").write_text("# The seeds\n", encoding="utf-8")
    done = run("check", "--offline", "--format", "none", "seeds/README.md", cwd=corpus)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 file(s), 0 record(s)" in done.stdout
    assert "note: seeds/README.md is not read as a seed: documentation without front matter" in done.stdout
    # every PATH must exist, a file as much as a folder, before anything is checked
    missing = run("check", "--offline", "seeds/README.md", "seeds/gone.txt", cwd=corpus)
    assert missing.returncode == 2
    assert missing.stderr == "seed-validator: error: seeds/gone.txt: no such file or folder\n"


def test_a_files_from_list_of_any_bytes_is_read_as_file_names_and_bounded(tmp_path: Path) -> None:
    """A list naming a file that is not UTF-8 reads it as the file system names it; a list with no end (from
    /dev/zero) is exit 2 saying what to do, not a run holding the whole stream in memory."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "news").mkdir()
    odd = os.fsdecode(b"news/caf\xe9.txt")
    shutil.copy(REAL_SEED, tmp_path / odd)
    (tmp_path / "list.bin").write_bytes(b"news/caf\xe9.txt\n")
    done = subprocess.run([SCRIPT, "check", "--offline", "--files-from", "list.bin"], cwd=tmp_path,
                          capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert b"1 file(s), 1 record(s)" in done.stdout
    endless = subprocess.run([SCRIPT, "check", "--offline", "--files-from", "/dev/zero"], cwd=tmp_path, text=True,
                             capture_output=True, check=False, timeout=120)
    assert endless.returncode == 2
    assert "--files-from: /dev/zero holds more than 64 MiB of names" in endless.stderr
