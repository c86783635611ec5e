"""The repository's own CI files are valid, and they run what the README says."""

from __future__ import annotations

import json
import re
import tomllib
from importlib import resources
from typing import Any

import yaml
from jsonschema import Draft7Validator

from tests.conftest import ROOT
from validator import config
from validator.load import parse_text


def _yaml(relative: str) -> dict[str, Any]:
    """Read as GitHub reads it (YAML 1.2 booleans: the key `on` stays 'on'), with our own loader."""
    loaded = parse_text((ROOT / relative).read_text(encoding="utf-8"), relative, plain_yaml=True)
    assert loaded.record is not None and loaded.findings == [], loaded.findings
    return loaded.record


def _workflow() -> dict[str, Any]:
    return _yaml(WORKFLOW)


def _vendored_schema_errors(name: str, document: dict[str, Any]) -> list[str]:
    schema_text = (resources.files("check_jsonschema.builtin_schemas.vendor") / name).read_text(encoding="utf-8")
    return [f"{list(e.absolute_path)}: {e.message}" for e in Draft7Validator(json.loads(schema_text)).iter_errors(
        document)]


WORKFLOW, ACTION = ".github/workflows/seeds.yml", "action.yml"
WATCHED = ["seeds/**", "schemas/**", "validator/**", "pyproject.toml", "seed-validator.toml",
           "seed-validator-baseline.json", "action.yml", ".github/workflows/seeds.yml"]
# A step's `uses:`: this repository's action, or an action pinned by full commit with its version beside it.
_PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def test_the_workflow_action_and_dependabot_are_valid_against_their_schemas() -> None:
    workflow = _workflow()
    assert _vendored_schema_errors("github-workflows.json", workflow) == []
    assert _vendored_schema_errors("github-actions.json", _yaml(ACTION)) == []
    assert _vendored_schema_errors("dependabot.json", _yaml(".github/dependabot.yml")) == []
    triggers = workflow["on"]
    assert set(triggers) == {"push", "pull_request", "schedule", "workflow_dispatch"}
    assert triggers["pull_request"]["paths"] == triggers["push"]["paths"] == WATCHED
    assert triggers["push"]["branches"] == ["main"]  # no tag pushes; a branch's PR is checked once, as a PR
    ecosystems = _yaml(".github/dependabot.yml")["updates"]
    assert [(u["package-ecosystem"], u["directory"]) for u in ecosystems] == [("github-actions", "/")]


def test_every_action_is_pinned_by_commit_with_its_version_in_a_comment() -> None:
    uses = []
    for relative in (WORKFLOW, ACTION):
        for line in (ROOT / relative).read_text(encoding="utf-8").splitlines():
            if re.match(r"^\s*(- )?uses:", line):
                uses.append(line.split("uses:", 1)[1].strip())
    remote = [u for u in uses if u != "./"]
    assert len(remote) > 10 and uses.count("./") == 3
    assert [u for u in remote if not _PINNED.match(u)] == []
    names = {u.split("@")[0] for u in remote}
    assert names == {"actions/checkout", "actions/setup-python", "actions/cache/restore", "actions/cache/save",
                     "actions/upload-artifact", "actions/download-artifact", "github/codeql-action/upload-sarif"}
    for name in names:  # one version of each action everywhere
        assert len({u for u in remote if u.startswith(name + "@")}) == 1, name


def test_the_workflow_checks_changes_audits_in_shards_and_fails_the_audit_on_findings() -> None:
    workflow = _workflow()
    jobs = workflow["jobs"]
    assert workflow["permissions"] == {"contents": "read"}
    assert "pull_request" in workflow["concurrency"]["group"]
    assert workflow["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    uploading = {name for name, job in jobs.items() if "security-events" in job.get("permissions", {})}
    assert uploading == {"check", "merge"}
    for name in uploading:
        assert jobs[name]["permissions"]["security-events"] == "write"

    def step(job: str, uses: str) -> dict[str, Any]:
        return next(s for s in jobs[job]["steps"] if s.get("uses", "").startswith(uses))

    check = step("check", "./")["with"]
    assert check["sarif-upload"].startswith("${{ github.event_name == 'pull_request'")
    assert "schemas/" in check["recheck-on"] and "seed-validator.toml" in check["recheck-on"]
    for job in ("check", "audit"):
        assert step(job, "actions/cache/save")["if"] == "always()"
        assert step(job, "actions/checkout")["with"]["persist-credentials"] is False
    assert step("check", "actions/checkout")["with"]["fetch-depth"] == 0
    assert jobs["audit"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    audit = step("audit", "./")["with"]
    assert audit["scope"] == "all" and audit["args"].startswith("--shard ${{ matrix.shard }}/4")
    assert jobs["merge"]["needs"] == "audit"
    assert jobs["merge"]["if"] == "${{ !cancelled() && needs.audit.result != 'skipped' }}"
    merge = step("merge", "./")["with"]
    assert merge["merge"] == "shards/*/report.json" and merge["fail-on"] == "error"
    assert {check["sarif-category"], merge["sarif-category"]} == {"seeds-check", "seeds-audit"}


def test_the_action_installs_itself_and_passes_inputs_through_the_environment() -> None:
    action = _yaml(ACTION)
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    assert "${{ github.action_path }}" in str(steps[0]["env"]) and '"$ACTION_PATH"' in steps[0]["run"]
    assert set(action["outputs"]) >= {"exit-code", "report-json", "report-md", "report-sarif", "report-dir"}
    for found in steps:  # no input is spliced into a script (injection): they arrive as environment variables
        assert "${{" not in found.get("run", "")
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["category"] == "${{ inputs.sarif-category || github.job }}"


def test_the_pre_commit_hooks_are_offline_and_look_at_seed_files_only() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["seed-validator", "seed-validator-links"]
    assert "--offline" in hooks[0]["entry"] and hooks[0]["language"] == "python"
    for hook in hooks:
        assert "--format none" in hook["entry"] and hook["files"] == "^seeds/"
        assert hook["types_or"] == ["plain-text", "markdown", "yaml"] and hook["require_serial"] is True
    assert hooks[1]["stages"] == ["pre-push", "manual"]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [block.split("```", 1)[0].strip() for block in readme.split("```sh\n")[1:3]]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()
    assert "check seeds/" in commands[0]


def test_the_readme_configuration_example_is_accepted_key_for_key() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = tomllib.loads(readme.split("```toml\n", 1)[1].split("```", 1)[0])["tool"]["seed-validator"]
    settings = config.apply_file(config.Settings(), ROOT / "pyproject.toml", example)
    assert settings.links.hosts["slow.example.com"].per_host == 1
    assert settings.links.exclude == ("^https://www\\.linkedin\\.com/",)


def _doc_block(relative: str, after: str) -> dict[str, Any]:
    text = (ROOT / relative).read_text(encoding="utf-8")
    block = text.split(after, 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    loaded = yaml.safe_load(block)
    assert isinstance(loaded, dict)
    return loaded


def test_the_gitlab_ci_example_is_valid_and_reports_to_merge_requests() -> None:
    gitlab = _doc_block("docs/ci.md", "## GitLab CI")
    schema = json.loads((resources.files("check_jsonschema.builtin_schemas.vendor") / "gitlab-ci.json").read_text(
        encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft7Validator(schema).iter_errors(gitlab)]
    assert errors == []
    changes, audit, merge = gitlab["seeds:changes"], gitlab["seeds:audit"], gitlab["seeds:audit-merge"]
    assert '--changed-since "$CI_MERGE_REQUEST_DIFF_BASE_SHA"' in changes["script"][0]
    assert changes["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
    for job in (changes, merge):
        reports = job["artifacts"]["reports"]
        assert reports["junit"].endswith("report.junit.xml") and reports["codequality"].endswith(
            "report.codeclimate.json")
        assert "junit" in job["script"][0] and "codeclimate" in job["script"][0]
    assert audit["parallel"] == 4 and "--shard auto" in audit["script"][0]
    assert merge["needs"] == ["seeds:audit"]
    assert "seed-validator merge reports/shard-*/report.json" in merge["script"][0]


def test_the_documented_pre_commit_config_names_the_hooks_that_exist() -> None:
    hooks = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    for relative in ("docs/ci.md", "README.md"):
        config = _doc_block(relative, "pre-commit")
        assert {h["id"] for repo in config["repos"] for h in repo["hooks"]} <= hooks
        assert config["repos"][0]["repo"] == "https://github.com/seed-validator/seed-validator"
