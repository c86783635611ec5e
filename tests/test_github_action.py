"""The GitHub Action's logic (action.yml runs `python -m validator.ci.github`) in real git repositories:
which files each event checks, the job summary with absolute links, the step outputs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.test_ci_workflows import git, seed_with_article
from validator.ci import summary
from validator.ci.scope import ZEROS, plan
from validator.errors import UsageError

SERVER, REPOSITORY = "https://github.com", "acme/seeds"
_OUTPUT = re.compile(r"^([\w-]+)<<(EOF_[0-9a-f]+)\n(.*?)\n?\2$", re.MULTILINE | re.DOTALL)


def head(repo: Path, ref: str = "HEAD") -> str:
    return subprocess.run(["git", "rev-parse", ref], cwd=repo, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A clone of an origin whose main has one bad seed (so a whole-corpus run is visible) and a branch
    'feature' (checked out) that adds one more bad seed."""
    origin = tmp_path / "origin"
    (origin / "seeds").mkdir(parents=True)
    for n in range(3):
        (origin / "seeds" / f"s{n}.txt").write_text(seed_with_article(n), encoding="utf-8")
    (origin / "seeds" / "old-bad.txt").write_text(seed_with_article(7, **{"heat: -1": "heat: warm"}),
                                                  encoding="utf-8")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "corpus")
    clone = tmp_path / "work"
    git(tmp_path, "clone", "-q", f"file://{origin}", str(clone))
    git(clone, "checkout", "-q", "-b", "feature")
    (clone / "seeds" / "new.txt").write_text(seed_with_article(8, **{"quality: 37": "quality: lots"}),
                                             encoding="utf-8")
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "new seed")
    return clone


def action(work: Path, event_name: str, ref: str, event: Mapping[str, object], **inputs: str
           ) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    """Run the action's step as action.yml does; its outputs and the job summary it wrote."""
    runner = work.parent / "runner"
    runner.mkdir(exist_ok=True)
    (runner / "event.json").write_text(json.dumps(event), encoding="utf-8")
    for name in ("output", "summary"):
        (runner / name).write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "SV_"))}
    env.update(GITHUB_EVENT_NAME=event_name, GITHUB_REF=ref, GITHUB_EVENT_PATH=str(runner / "event.json"),
               GITHUB_OUTPUT=str(runner / "output"), GITHUB_STEP_SUMMARY=str(runner / "summary"),
               GITHUB_SERVER_URL=SERVER, GITHUB_REPOSITORY=REPOSITORY, GITHUB_SHA=head(work), SV_OFFLINE="true")
    env.update({f"SV_{k.upper()}": v for k, v in inputs.items()})
    done = subprocess.run([sys.executable, "-m", "validator.ci.github"], cwd=work, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    outputs = {m.group(1): m.group(3) for m in _OUTPUT.finditer((runner / "output").read_text(encoding="utf-8"))}
    return done, outputs, (runner / "summary").read_text(encoding="utf-8")


def checked(work: Path) -> list[str]:
    report = json.loads((work / "reports" / "report.json").read_text(encoding="utf-8"))
    return sorted({v["file"] for v in report["violations"]})


def test_a_new_branch_is_checked_from_its_merge_base_with_the_default_branch(work: Path) -> None:
    event = {"before": ZEROS, "repository": {"default_branch": "main"}}
    done, outputs, job_summary = action(work, "push", "refs/heads/feature", event)
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs["exit-code"] == "1" and outputs["scope"] == "changed"
    assert outputs["base"] == head(work, "main")
    assert checked(work) == ["seeds/new.txt"]  # not old-bad.txt: no whole-corpus fallback
    assert outputs["report-md"] == str(work / "reports" / "report.md") and outputs["report-junit"] == ""
    assert f"[11]({SERVER}/{REPOSITORY}/blob/{head(work)}/seeds/new.txt#L11)" in job_summary


def test_a_pull_request_checks_what_it_changes_even_from_a_shallow_checkout(work: Path, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{work}", str(shallow))
    event = {"pull_request": {"base": {"sha": head(work, "main")}}}
    done, outputs, _ = action(shallow, "pull_request", "refs/pull/1/merge", event)
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs["scope"] == "changed" and outputs["base"] == head(work, "main")
    assert checked(shallow) == ["seeds/new.txt"]


def test_a_push_checks_the_files_changed_since_before(work: Path) -> None:
    before = head(work)
    (work / "seeds" / "s1.txt").write_text(seed_with_article(1, **{"heat: -1": "heat: hot"}), encoding="utf-8")
    git(work, "commit", "-q", "-am", "edit s1")
    done, outputs, _ = action(work, "push", "refs/heads/feature", {"before": before})
    assert outputs["base"] == before and checked(work) == ["seeds/s1.txt"], done.stdout


def test_a_tag_checks_nothing(work: Path) -> None:
    done, outputs, job_summary = action(work, "push", "refs/tags/v1.0", {"before": ZEROS})
    assert done.returncode == 0 and outputs["exit-code"] == "0" and outputs["scope"] == "skip"
    assert outputs["report-json"] == "" and not (work / "reports").exists()
    assert "nothing checked: refs/tags/v1.0 is a tag" in job_summary


def test_schedule_new_default_branch_and_schema_changes_check_the_whole_corpus(work: Path) -> None:
    _, outputs, _ = action(work, "schedule", "refs/heads/main", {})
    assert outputs["scope"] == "all" and checked(work) == ["seeds/new.txt", "seeds/old-bad.txt"]
    _, outputs, _ = action(work, "push", "refs/heads/main", {"before": ZEROS, "repository": {"default_branch": "main"}})
    assert outputs["scope"] == "all"
    (work / "seed-validator.toml").write_text("max-file-size = 100000\n", encoding="utf-8")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "config")
    done, outputs, _ = action(work, "pull_request", "refs/pull/1/merge",
                              {"pull_request": {"base": {"sha": head(work, "main")}}},
                              recheck_on="schemas/ seed-validator.toml")
    assert outputs["scope"] == "all" and "seed-validator.toml changed" in done.stdout
    assert checked(work) == ["seeds/new.txt", "seeds/old-bad.txt"]


def test_merge_mode_fails_on_the_whole_corpus(work: Path) -> None:
    for k in (1, 2):
        subprocess.run([sys.executable, "-m", "validator", "check", "--offline", "--shard", f"{k}/2", "--quiet",
                        "--output-dir", f"shards/{k}"], cwd=work, check=False)
    done, outputs, job_summary = action(work, "schedule", "refs/heads/main", {}, merge="shards/*/report.json",
                                        format="md,sarif")
    assert outputs["exit-code"] == "1", done.stdout
    assert "seeds/old-bad.txt:12:7: error schema/type" in done.stdout
    assert outputs["report-sarif"] and outputs["report-json"] and "old-bad.txt#L12" in job_summary
    _, missing, _ = action(work, "schedule", "refs/heads/main", {}, merge="nothing/*/report.json")
    assert missing == {}


def test_plan_never_falls_back_to_the_whole_corpus_silently() -> None:
    assert plan("push", "refs/tags/v1", {"before": "a" * 40}).kind == "skip"
    assert plan("push", "refs/tags/v1", {}, whole=True).kind == "skip"
    assert plan("merge_group", "refs/heads/gh-readonly-queue/main/x", {"merge_group": {"base_sha": "b" * 40}}
                ).base == "b" * 40
    new_branch = plan("push", "refs/heads/topic", {"before": ZEROS, "repository": {"default_branch": "trunk"}})
    assert (new_branch.kind, new_branch.merge_base_with) == ("changed", "refs/remotes/origin/trunk")
    with pytest.raises(UsageError, match=r"no repository\.default_branch"):
        plan("push", "refs/heads/topic", {"before": ZEROS})


def test_a_summary_over_the_limit_is_cut_at_a_line_with_a_note() -> None:
    text = "".join(f"| {n} | ✓ é |\n" for n in range(200_000))  # about 2.6 MB
    fitted = summary.fit(text, full_report="reports/report.md")
    assert len(fitted.encode("utf-8")) <= summary.GITHUB_LIMIT < len(text.encode("utf-8"))
    body, note = fitted.split("\n\n> **Truncated**")
    assert text.startswith(body) and body.endswith(" |\n") and "reports/report.md" in note
    assert summary.fit("short\n") == "short\n"
