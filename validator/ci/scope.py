"""Which seed files a CI run checks, from the event that started it: the decision (pure) and the git work.

Pull requests: the files changed since the merge base with the target branch. Pushes: since `before`, or,
when a push has no usable `before` (a new branch: all zeros), since the merge base with the default branch.
Tags: nothing (the commit was checked on its branch). Scheduled and manual runs: the whole corpus.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import UsageError

ZEROS = "0" * 40
Kind = Literal["skip", "all", "changed"]


@dataclass(frozen=True, slots=True)
class Plan:
    """What to check: nothing, everything, or the changes since `base` (a commit) or since the merge base of
    HEAD with `merge_base_with` (a commit or a branch of origin)."""

    kind: Kind
    reason: str
    base: str | None = None
    merge_base_with: str | None = None
    fetch_branch: str | None = None  # a branch of origin to fetch first


def plan(event_name: str, ref: str, event: Mapping[str, Any], *, whole: bool = False) -> Plan:
    """The scope of a run from the GitHub event (name, GITHUB_REF, the payload); whole: the whole corpus asked."""
    if ref.startswith("refs/tags/"):
        return Plan("skip", f"{ref} is a tag: its commit was checked when it was pushed to its branch")
    if whole:
        return Plan("all", "the whole corpus (scope: all)")
    if event_name in ("pull_request", "pull_request_target"):
        base = _dig(event, "pull_request", "base", "sha")
        if not base:
            raise UsageError("the pull_request event has no base commit (pull_request.base.sha)")
        return Plan("changed", "the files this pull request changes", merge_base_with=base)
    if event_name == "merge_group":
        base = _dig(event, "merge_group", "base_sha")
        if not base:
            raise UsageError("the merge_group event has no base commit (merge_group.base_sha)")
        return Plan("changed", "the files this merge group changes", base=base)
    if event_name == "push":
        return _push(ref, event)
    return Plan("all", f"the whole corpus (a {event_name or 'manual'} run has no changes to compare)")


def _push(ref: str, event: Mapping[str, Any]) -> Plan:
    before = event.get("before")
    if isinstance(before, str) and before and before != ZEROS:
        return Plan("changed", "the files changed by this push", base=before)
    default = _dig(event, "repository", "default_branch")
    branch = ref.removeprefix("refs/heads/")
    if not default:
        raise UsageError("a push without 'before' (a new branch) and no repository.default_branch to compare with")
    if branch == default:
        return Plan("all", f"the whole corpus: {default} is new, so every file on it is new")
    return Plan("changed", f"the files this new branch changes from {default}",
                merge_base_with=f"refs/remotes/origin/{default}", fetch_branch=default)


def _dig(event: Mapping[str, Any], *keys: str) -> str | None:
    value: Any = event
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, str) and value else None


def resolve(chosen: Plan) -> str | None:
    """The commit to pass to --changed-since (fetching what a shallow checkout lacks), or None."""
    if chosen.kind != "changed":
        return None
    if chosen.fetch_branch and not _has_commit(f"refs/remotes/origin/{chosen.fetch_branch}"):
        _git("fetch", "--no-tags", "--quiet", "origin",
             f"+refs/heads/{chosen.fetch_branch}:refs/remotes/origin/{chosen.fetch_branch}")
    target = chosen.base or chosen.merge_base_with
    assert target is not None
    if not _has_commit(target):
        _git("fetch", "--no-tags", "--quiet", "origin", target)
    if chosen.base is not None:
        return chosen.base
    if _git("rev-parse", "--is-shallow-repository").strip() == "true":
        _git("fetch", "--no-tags", "--quiet", "--unshallow", "origin")  # a merge base needs the history
    return _git("merge-base", target, "HEAD").strip()


def _has_commit(name: str) -> bool:
    done = subprocess.run(["git", "cat-file", "-e", f"{name}^{{commit}}"], capture_output=True, check=False)
    return done.returncode == 0


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except OSError as exc:
        raise UsageError(f"git is not available: {exc.strerror or exc}") from exc
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
        raise UsageError(f"git {' '.join(args)} failed: {detail} (check out with fetch-depth: 0)")
    return done.stdout


def touched(base: str, pathspecs: list[str]) -> list[str]:
    """The files matching pathspecs that changed since base (the schema, the config, the tool itself...)."""
    if not pathspecs:
        return []
    return [name for name in _git("diff", "--name-only", base, "--", *pathspecs).splitlines() if name]
