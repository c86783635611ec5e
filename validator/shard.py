"""Splitting one audit over N machines: links by host (per-host politeness holds across machines), files by path."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import UsageError

TOTAL_ENV = "SEED_VALIDATOR_SHARD_TOTAL"
MAX_SHARDS = 10_000  # also the bound of run.shard in schemas/report.schema.json


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard `index` (1-based) of `total`."""

    index: int
    total: int

    def owns(self, key: str) -> bool:
        """Whether a host name or file path belongs to this shard: a stable hash, the same on every machine."""
        import hashlib  # noqa: PLC0415  (a sharded run only: not imported with every run)

        digest = hashlib.sha256(key.lower().encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.total == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


def parse_shard(text: str, *, total: int | None = None, environ: Mapping[str, str] | None = None) -> Shard:
    """'K/N', or 'auto' from the CI environment: GitLab parallel jobs (CI_NODE_INDEX/CI_NODE_TOTAL, 1-based)
    or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, 0-based, with --shard-total or SEED_VALIDATOR_SHARD_TOTAL)."""
    env = os.environ if environ is None else environ
    if text == "auto":
        if "CI_NODE_INDEX" in env and "CI_NODE_TOTAL" in env:
            return _checked(env["CI_NODE_INDEX"], env["CI_NODE_TOTAL"], "CI_NODE_INDEX/CI_NODE_TOTAL")
        if "JOB_COMPLETION_INDEX" in env:
            count = str(total) if total is not None else env.get(TOTAL_ENV)
            if not count:
                raise UsageError(f"--shard auto: JOB_COMPLETION_INDEX is set but the number of shards is not; "
                                 f"pass --shard-total N or set {TOTAL_ENV} (the Job's completions)")
            index = _number(env["JOB_COMPLETION_INDEX"], "JOB_COMPLETION_INDEX")
            return _checked(str(index + 1), count, "JOB_COMPLETION_INDEX")
        raise UsageError("--shard auto: no shard in the environment (looked for CI_NODE_INDEX/CI_NODE_TOTAL of "
                         "GitLab parallel jobs and JOB_COMPLETION_INDEX of a Kubernetes Indexed Job); "
                         "pass --shard K/N instead")
    index_text, sep, total_text = text.partition("/")
    if not sep:
        raise UsageError(f"--shard takes K/N (e.g. 2/4) or auto, not {text!r}")
    return _checked(index_text, total_text, "--shard")


def _number(text: str, source: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise UsageError(f"{source}: {text!r} is not a whole number") from None


def _checked(index_text: str, total_text: str, source: str) -> Shard:
    index, total = _number(index_text, source), _number(total_text, source)
    if total < 1 or not 1 <= index <= total:
        raise UsageError(f"{source}: shard {index} of {total} does not exist (shards are numbered 1 to N)")
    if total > MAX_SHARDS:
        raise UsageError(f"{source}: at most {MAX_SHARDS} shards, not {total}")
    return Shard(index, total)
