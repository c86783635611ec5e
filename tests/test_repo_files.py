"""The repository's own CI files are valid, and they run what the README says."""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from typing import Any

import yaml
from jsonschema import Draft7Validator

from tests.conftest import ROOT
from validator import config
from validator.load import parse_text


def _workflow() -> dict[str, Any]:
    """Read as GitHub reads it (YAML 1.2 booleans: the key `on` stays 'on'), with our own loader."""
    relative = ".github/workflows/seeds.yml"
    loaded = parse_text((ROOT / relative).read_text(encoding="utf-8"), relative, plain_yaml=True)
    assert loaded.record is not None and loaded.findings == [], loaded.findings
    return loaded.record


def test_the_workflow_is_valid_against_the_github_workflow_schema() -> None:
    schema_text = (resources.files("check_jsonschema.builtin_schemas.vendor") / "github-workflows.json").read_text(
        encoding="utf-8")
    workflow = _workflow()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft7Validator(json.loads(schema_text)).iter_errors(
        workflow)]
    assert errors == []
    triggers = workflow["on"]
    assert set(triggers) == {"push", "pull_request", "schedule", "workflow_dispatch"}
    assert triggers["pull_request"]["paths"] == ["seeds/**"]


def test_the_workflow_runs_the_incremental_check_the_shards_and_the_merge() -> None:
    text = (ROOT / ".github/workflows/seeds.yml").read_text(encoding="utf-8")
    jobs = _workflow()["jobs"]
    assert "--changed-since" in text and "GITHUB_STEP_SUMMARY" in text and "actions/cache@" in text
    assert jobs["audit"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    assert "--shard ${{ matrix.shard }}/4" in text
    assert jobs["merge"]["needs"] == "audit" and "seed-validator merge" in text


def test_the_pre_commit_hook_is_offline() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["seed-validator"]
    assert "--offline" in hooks[0]["entry"] and hooks[0]["language"] == "python"


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
