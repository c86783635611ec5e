"""The CI uses end to end: incremental runs in real git repositories, baselines, diffs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import assert_valid_report, variant
from tests.test_cli import SCRIPT, run

ARTICLE = "https://reason.com/2021/04/09/cops-are-using-facial-recognition-technology-more-than-previously-revealed/"


def seed_with_article(n: int, **changes: str) -> str:
    """The real seed about its own article (so files do not duplicate each other), with text changes."""
    text = variant((f'originalUrl: "{ARTICLE}"', f'originalUrl: "https://reason.com/story-{n}/"'),
                   (f'webUrl: "{ARTICLE}"', f'webUrl: "https://reason.com/story-{n}/"'))
    for old, new in changes.items():
        text = text.replace(old, new)
    return text


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=repo,
                   check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for n in range(4):
        (seeds / f"s{n}.txt").write_text(seed_with_article(n), encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "corpus")
    return tmp_path


def checked_files(repo: Path) -> list[str]:
    report = json.loads((repo / "reports" / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(report)
    return sorted({v["file"] for v in report["violations"]})


def test_changed_since_checks_added_modified_and_renamed_files_only(repo: Path) -> None:
    seeds = repo / "seeds"
    (seeds / "s0.txt").write_text(seed_with_article(0, **{"quality: 37": "quality: x"}), encoding="utf-8")
    git(repo, "mv", "seeds/s1.txt", "seeds/renamed.txt")
    (seeds / "renamed.txt").write_text(seed_with_article(1, **{"heat: -1": "heat: y"}), encoding="utf-8")
    (seeds / "s2.txt").unlink()
    (seeds / "new.txt").write_text(seed_with_article(9, **{"published: false": "published: maybe"}),
                                   encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "edit")
    (seeds / "s3.txt").write_text(seed_with_article(3, **{"category: news": "category: sport"}), encoding="utf-8")
    done = run("check", "--offline", "--changed-since", "HEAD~1", cwd=repo)
    assert done.returncode == 1
    assert "4 file(s), 4 record(s)" in done.stdout  # s0, renamed, new, and s3 (uncommitted)
    assert checked_files(repo) == ["seeds/new.txt", "seeds/renamed.txt", "seeds/s0.txt", "seeds/s3.txt"]


def test_changed_file_duplicating_an_unchanged_one_is_found(repo: Path) -> None:
    (repo / "seeds" / "copy.txt").write_text(seed_with_article(2), encoding="utf-8")
    done = run("check", "--offline", "--changed-since", "HEAD", cwd=repo)
    assert "1 file(s), 1 record(s): 0 error(s), 1 warning(s)" in done.stdout
    assert "seeds/copy.txt:7:9: warning seed/duplicate-article same article as seeds/s2.txt" in done.stdout


def test_a_duplicate_of_a_file_spelling_its_keys_otherwise_is_found_as_the_whole_run_finds_it(repo: Path) -> None:
    """The unchanged file quotes its keys and puts its webUrl on the next line (yaml.dump's styles): the
    one-file run compares against it as the whole-corpus run does."""
    story = "https://reason.com/story-2/"
    odd = seed_with_article(2, **{f'webUrl: "{story}"': f'"webUrl":\n  "{story}"',
                                  f'originalUrl: "{story}"': f'"originalUrl": "{story}"'})
    (repo / "seeds" / "s2.txt").write_text(odd, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "keys quoted")
    (repo / "seeds" / "copy.txt").write_text(seed_with_article(2), encoding="utf-8")
    whole = run("check", "--offline", cwd=repo)
    one = run("check", "--offline", "--changed-since", "HEAD", cwd=repo)
    # the whole run reports the later file of the pair; the one-file run the file it checks
    assert "seeds/s2.txt:8:3: warning seed/duplicate-article same article as seeds/copy.txt" in whole.stdout
    assert "seeds/copy.txt:7:9: warning seed/duplicate-article same article as seeds/s2.txt" in one.stdout


def test_no_change_checks_nothing_and_passes(repo: Path) -> None:
    done = run("check", "--offline", "--changed-since", "HEAD", cwd=repo)
    assert done.returncode == 0 and "0 file(s), 0 record(s)" in done.stdout


@pytest.mark.parametrize("where, ref, message", [
    ("plain", "HEAD", "--changed-since needs a git checkout"),
    ("repo", "no-such-ref", "--changed-since: unknown git ref 'no-such-ref'"),
    ("no commit", "HEAD", "--changed-since: the repository has no commit yet"),  # not "fetch it first"
])
def test_changed_since_errors_are_usage_errors(repo: Path, tmp_path_factory: pytest.TempPathFactory,
                                               where: str, ref: str, message: str) -> None:
    cwd = repo
    if where == "plain":
        cwd = tmp_path_factory.mktemp("plain")
        shutil.copytree(repo / "seeds", cwd / "seeds")
    elif where == "no commit":
        cwd = tmp_path_factory.mktemp("fresh")
        shutil.copytree(repo / "seeds", cwd / "seeds")
        git(cwd, "init", "-q")
    done = run("check", "--offline", "--changed-since", ref, cwd=cwd)
    assert done.returncode == 2 and message in done.stderr


def test_files_from_a_file_and_from_stdin(repo: Path) -> None:
    (repo / "list.txt").write_text("# changed in this merge request\nseeds/s1.txt\n\nseeds/s3.txt\n", encoding="utf-8")
    done = run("check", "--offline", "--files-from", "list.txt", cwd=repo)
    assert "2 file(s), 2 record(s)" in done.stdout
    piped = subprocess.run([SCRIPT, "check", "--offline", "--files-from", "-"], input="seeds/s2.txt\n", cwd=repo,
                           capture_output=True, text=True, check=False)
    assert piped.returncode == 0 and "1 file(s), 1 record(s)" in piped.stdout


def test_baseline_accepts_todays_findings_and_fails_only_on_new_ones(repo: Path) -> None:
    seeds = repo / "seeds"
    (seeds / "s0.txt").write_text(seed_with_article(0, **{"quality: 37": "quality: x", "  - AI\n": "  - AI\n  -\n"}),
                                  encoding="utf-8")
    made = run("baseline", "--offline", cwd=repo)
    assert made.returncode == 0 and "2 problem(s) of 4 file(s) written to seed-validator-baseline.json" in made.stdout
    entries = json.loads((repo / "seed-validator-baseline.json").read_text(encoding="utf-8"))["entries"]
    assert entries == [{"file": "seeds/s0.txt", "pointer": "/quality", "rule": "schema/type"},
                       {"file": "seeds/s0.txt", "pointer": "/topics/2", "rule": "seed/null-topic"}]

    # lines move, the baseline still holds
    (seeds / "s0.txt").write_text("---\n# a comment moves every line\n" + (seeds / "s0.txt").read_text()[4:],
                                  encoding="utf-8")
    accepted = run("check", "--offline", "--baseline", "seed-validator-baseline.json", cwd=repo)
    assert accepted.returncode == 0, accepted.stdout
    report = json.loads((repo / "reports" / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(report)
    assert report["baseline"] == {"file": "seed-validator-baseline.json", "new": 0, "baselined": 2, "fixed": []}
    assert all(v["baselined"] for v in report["violations"])

    (seeds / "s1.txt").write_text(seed_with_article(1, **{"heat: -1": "heat: hot"}), encoding="utf-8")
    (seeds / "s0.txt").write_text(seed_with_article(0, **{"quality: 37": "quality: x"}), encoding="utf-8")
    failing = run("check", "--offline", "--baseline", "seed-validator-baseline.json", cwd=repo)
    assert failing.returncode == 1
    report = json.loads((repo / "reports" / "report.json").read_text(encoding="utf-8"))
    assert report["baseline"]["new"] == 1 and report["baseline"]["baselined"] == 1
    assert report["baseline"]["fixed"] == [{"file": "seeds/s0.txt", "pointer": "/topics/2", "rule": "seed/null-topic"}]
    markdown = (repo / "reports" / "report.md").read_text(encoding="utf-8")
    assert "1 new problem(s), 1 baselined, 1 fixed" in markdown
    assert "Fixed since the baseline (1)" in markdown


def test_a_broken_baseline_is_a_usage_error(repo: Path) -> None:
    (repo / "b.json").write_text("{}", encoding="utf-8")
    done = run("check", "--offline", "--baseline", "b.json", cwd=repo)
    assert done.returncode == 2 and "is not a seed-validator baseline" in done.stderr


def test_diff_and_previous_report(repo: Path) -> None:
    assert run("check", "--offline", cwd=repo).returncode == 0
    shutil.copy(repo / "reports" / "report.json", repo / "old.json")
    (repo / "seeds" / "s1.txt").write_text(seed_with_article(1, **{"heat: -1": "heat: hot"}), encoding="utf-8")
    assert run("check", "--offline", "--previous", "old.json", cwd=repo).returncode == 1
    markdown = (repo / "reports" / "report.md").read_text(encoding="utf-8")
    assert "## Since the previous run" in markdown and "### New findings (1)" in markdown
    shutil.copy(repo / "reports" / "report.json", repo / "new.json")
    done = run("diff", "new.json", "old.json", cwd=repo)
    assert done.returncode == 0
    assert "### Fixed findings (1)" in done.stdout and "seeds/s1.txt" in done.stdout
    assert (repo / "reports" / "diff.md").read_text(encoding="utf-8") == done.stdout
