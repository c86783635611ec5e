"""The reports CI systems read: SARIF for GitHub code scanning, Code Quality for GitLab, linked Markdown."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker

from tests.conftest import REAL_SEED, ROOT, variant
from tests.test_ci_workflows import git, seed_with_article
from tests.test_cli import run
from validator import catalog, rules_doc

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
HOMEPAGE = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Homepage"]
ODD_NAME = "with space #1 100%.txt"
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose seeds hold a type error, an empty file, a too-large file and an odd name."""
    seeds = tmp_path / "repo" / "seeds"
    seeds.mkdir(parents=True)
    (seeds / "bad.txt").write_text(variant(("quality: 37", "quality: lots")), encoding="utf-8")
    (seeds / "empty.txt").write_text("", encoding="utf-8")
    (seeds / "large.txt").write_text(seed_with_article(1) + "#" * 40000 + "\n", encoding="utf-8")
    (seeds / ODD_NAME).write_text(seed_with_article(2, **{"heat: -1": "heat: hot"}), encoding="utf-8")
    git(seeds.parent, "init", "-q", "-b", "main")
    (seeds.parent / "sub").mkdir()
    return seeds.parent


def sarif_of(directory: Path) -> dict[str, Any]:
    sarif: dict[str, Any] = json.loads((directory / "report.sarif").read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in Draft4Validator(SARIF_SCHEMA, format_checker=FormatChecker()).iter_errors(sarif)]
    assert errors == []
    return sarif


def locations(sarif: dict[str, Any]) -> dict[str, list[tuple[str, int]]]:
    """rule id → (artifact URI, start line) of each result, checking what every location must carry."""
    found: dict[str, list[tuple[str, int]]] = {}
    for result in sarif["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert result["message"]["text"] and result["partialFingerprints"]["seedValidator/v1"]
        found.setdefault(result["ruleId"], []).append((physical["artifactLocation"]["uri"],
                                                       physical["region"]["startLine"]))
    return found


def test_sarif_is_valid_and_carries_what_code_scanning_needs(repo: Path) -> None:
    done = run("check", "--offline", "--format", "sarif", "--max-file-size", "30000", cwd=repo)
    assert done.returncode == 1, done.stderr
    sarif = sarif_of(repo / "reports")
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == HOMEPAGE
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "How to fix:" in rule["help"]["text"] and "**How to fix:**" in rule["help"]["markdown"]
        page, anchor = rule["helpUri"].split("#")
        assert page == f"{HOMEPAGE}/blob/main/docs/rules.md" and f'<a id="{anchor}"></a>' in doc
    assert {r["id"] for r in driver["rules"]} == {"schema/type", "yaml/empty", "yaml/too-large"}
    assert locations(sarif) == {
        "schema/type": [("seeds/bad.txt", 11), ("seeds/with%20space%20%231%20100%25.txt", 12)],
        "yaml/empty": [("seeds/empty.txt", 1)],  # file-level findings sit on line 1
        "yaml/too-large": [("seeds/large.txt", 1)],
    }


def test_sarif_uris_are_relative_to_the_repository_root_from_any_working_directory(
        repo: Path, tmp_path: Path) -> None:
    assert run("check", "--offline", "--format", "sarif", "--output-dir", "out", "../seeds",
               cwd=repo / "sub").returncode == 1
    from_sub = locations(sarif_of(repo / "sub" / "out"))
    # Above the repository (a run reads only inside its working tree: here the current directory).
    assert run("check", "--offline", "--format", "sarif", "--sarif-root", str(repo), "--output-dir", "above",
               str(repo / "seeds"), cwd=tmp_path).returncode == 1
    assert locations(sarif_of(tmp_path / "above")) == from_sub
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    assert from_sub["schema/type"][0] == ("seeds/bad.txt", 11)
    not_a_folder = run("check", "--offline", "--format", "sarif", "--sarif-root", "nope", str(repo / "seeds"),
                       cwd=outside)
    assert not_a_folder.returncode == 2 and "--sarif-root: nope is not a folder" in not_a_folder.stderr


def test_code_quality_report_has_gitlabs_fields_and_stable_fingerprints(repo: Path) -> None:
    assert run("check", "--offline", "--format", "codeclimate", cwd=repo / "sub").returncode == 2  # no seeds/ there
    assert run("check", "--offline", "--format", "codeclimate", "--output-dir", "out", "../seeds",
               cwd=repo / "sub").returncode == 1
    issues = json.loads((repo / "sub" / "out" / "report.codeclimate.json").read_text(encoding="utf-8"))
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["severity"] in GITLAB_SEVERITIES
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    by_path = {(i["location"]["path"], i["check_name"]): i for i in issues}
    assert set(by_path) == {("seeds/bad.txt", "schema/type"), (f"seeds/{ODD_NAME}", "schema/type"),
                            ("seeds/empty.txt", "yaml/empty")}
    assert by_path[("seeds/bad.txt", "schema/type")]["severity"] == "major"
    assert by_path[("seeds/bad.txt", "schema/type")]["description"] == "'lots' is not of type 'integer' (/quality)"

    bad = repo / "seeds" / "bad.txt"
    bad.write_text("---\n# a new comment moves every line\n" + bad.read_text(encoding="utf-8")[4:], encoding="utf-8")
    run("check", "--offline", "--format", "codeclimate", "--output-dir", "out", "../seeds", cwd=repo / "sub")
    moved = json.loads((repo / "sub" / "out" / "report.codeclimate.json").read_text(encoding="utf-8"))
    again = {(i["location"]["path"], i["check_name"]): i for i in moved}[("seeds/bad.txt", "schema/type")]
    assert again["location"]["lines"]["begin"] == 12
    assert again["fingerprint"] == by_path[("seeds/bad.txt", "schema/type")]["fingerprint"]


def test_link_base_makes_absolute_encoded_links(repo: Path) -> None:
    base = "https://github.com/o/r/blob/0123456789abcdef0123456789abcdef01234567"
    assert run("check", "--offline", "--link-base", base, cwd=repo).returncode == 1
    markdown = (repo / "reports" / "report.md").read_text(encoding="utf-8")
    assert f"[11]({base}/seeds/bad.txt#L11)" in markdown
    assert f"[12]({base}/seeds/with%20space%20%231%20100%25.txt#L12)" in markdown
    for hostile in ("javascript:alert(1)//", "https://x.example/a b", "file:///etc/"):
        done = run("check", "--offline", "--link-base", hostile, cwd=repo)
        assert done.returncode == 2 and "is not an http(s) URL" in done.stderr


def test_format_none_writes_nothing(repo: Path) -> None:
    done = run("check", "--offline", "--format", "none", "--max-file-size", "30000", cwd=repo)
    assert done.returncode == 1 and "seeds/bad.txt:11:10: error schema/type" in done.stdout
    assert "reports:" not in done.stdout
    assert sorted(p.name for p in repo.iterdir()) == [".git", "seeds", "sub"]
    mixed = run("check", "--offline", "--format", "none,json", cwd=repo)
    assert mixed.returncode == 2 and "unknown format none" in mixed.stderr


def test_merge_fails_on_the_merged_findings_and_says_where(repo: Path) -> None:
    for k in (1, 2):
        run("check", "--offline", "--shard", f"{k}/2", "--output-dir", f"shard-{k}", cwd=repo)
    shards = ["shard-1/report.json", "shard-2/report.json"]
    lenient = run("merge", *shards, "--output-dir", "merged", cwd=repo)
    assert lenient.returncode == 0, lenient.stdout
    strict = run("merge", *shards, "--output-dir", "strict", "--fail-on", "error", "--format", "json,md,codeclimate",
                 cwd=repo, env={"GITHUB_ACTIONS": "true"})
    assert strict.returncode == 1
    assert "seeds/bad.txt:11:10: error schema/type 'lots' is not of type 'integer' (/quality)" in strict.stdout
    assert "::error file=seeds/bad.txt,line=11,col=10,title=schema/type::" in strict.stdout
    assert "complete, 3 problem(s) at or above --fail-on" in strict.stdout
    assert sorted(p.name for p in (repo / "strict").iterdir()) == ["report.codeclimate.json", "report.json",
                                                                  "report.md"]


def test_every_rule_is_documented_with_a_fix_and_the_page_is_current() -> None:
    rules = catalog.all_rules()
    assert len(rules) == len({r.id for r in rules}) > 20
    assert all(r.fix in catalog.FIXES.values() and r.description != r.id for r in rules)
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_doc.render(), \
        "docs/rules.md is stale: python -m validator.rules_doc > docs/rules.md"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert HOMEPAGE in readme and not re.search(r"<this repository|<a tag>", readme)


def test_a_real_seed_has_no_sarif_results(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    shutil.copy(REAL_SEED, tmp_path / "seeds" / "a.txt")
    assert run("check", "--offline", "--format", "sarif", cwd=tmp_path).returncode == 0
    sarif = sarif_of(tmp_path / "reports")
    assert sarif["runs"][0]["results"] == [] and sarif["runs"][0]["tool"]["driver"]["rules"] == []
