"""`merge` folds shard runs into one: the same report as one machine checking everything, apart from timings."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REAL_SEED, assert_valid_report, variant
from tests.unit.runs import rich_run
from validator import pipeline
from validator.config import Settings
from validator.errors import UsageError
from validator.models import RunResult
from validator.report import codec
from validator.report.merge import merge_results
from validator.shard import Shard
from validator.urls import host_of


def comparable(result: RunResult) -> dict[str, Any]:
    """The report without what differs between machines: when it ran, and which shard it was."""
    document: dict[str, Any] = json.loads("".join(codec.to_document(result)))
    for key in ("started_at", "finished_at", "shard"):
        document["run"].pop(key, None)
    return document


def merged(shards: list[RunResult]) -> RunResult:
    return merge_results(shards, [f"shard{n}.json" for n in range(1, len(shards) + 1)])


def split(whole: RunResult, total: int) -> list[RunResult]:
    """What `check --shard K/N` keeps of a run: its share of files, and the links of the hosts it owns."""
    shards = []
    for index in range(1, total + 1):
        shard = Shard(index, total)
        part = dataclasses.replace(
            whole, shard=(index, total), complete=False,
            checked_files=[f for f in whole.checked_files if shard.owns(f)],
            findings=[f for f in whole.findings if shard.owns(f.file)],
            links={k: e for k, e in whole.links.items() if shard.owns(host_of(e.url) or "")})
        part.files = part.records = len(part.checked_files)
        shards.append(part)
    return shards


def test_shards_of_a_run_with_links_of_every_status_and_a_baseline_merge_into_the_whole_run() -> None:
    whole = dataclasses.replace(rich_run(), shard=None, complete=True, interrupted=False)
    whole.files = whole.records = len(whole.checked_files)
    shards = split(whole, 3)
    assert sum(bool(s.links) for s in shards) > 1 and sum(len(s.links) for s in shards) == len(whole.links)
    combined = merged(shards)
    assert combined.complete and combined.shard is None
    assert comparable(combined) == comparable(whole)
    assert_valid_report(json.loads("".join(codec.to_document(combined))))


def test_shards_checked_by_the_pipeline_merge_into_the_unsharded_report(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for n in range(8):
        shutil.copy(REAL_SEED, seeds / f"s{n}.txt")  # the same article 8 times: a duplicate finding each
    (seeds / "bad.txt").write_text(variant(("quality: 37", "quality: lots")), encoding="utf-8")
    (seeds / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = Settings(paths=(Path("seeds"),), offline=True)
    baseline = frozenset({("seeds/bad.txt", "/quality", "schema/type", ""), ("seeds/s1.txt", "/x", "seed/y", "")})

    def run(shard: Shard | None) -> RunResult:
        result = pipeline.run(settings, scope=pipeline.Scope(shard=shard))
        result.baseline_keys, result.baseline_file = baseline, "baseline.json"
        return result

    whole = run(None)
    shards = [codec.from_document(json.loads("".join(codec.to_document(run(Shard(k, 3)))))) for k in (1, 2, 3)]
    assert all(s.files for s in shards) and sum(s.files for s in shards) == whole.files == 10
    assert comparable(merged(shards)) == comparable(whole)


def test_a_missing_shard_is_named_and_the_merge_is_incomplete() -> None:
    shards = split(dataclasses.replace(rich_run(), shard=None, complete=True, interrupted=False), 3)
    partial = merged([shards[0], shards[2]])
    assert not partial.complete
    assert partial.notes[-1] == "incomplete: shard(s) 2 of 3 missing from the merge"
    assert partial.notes[:-1] == rich_run().notes  # the shards' notes once each, in order


def test_an_interrupted_shard_makes_the_merge_incomplete() -> None:
    shards = split(dataclasses.replace(rich_run(), shard=None, complete=True, interrupted=False), 2)
    shards[1].interrupted = True
    combined = merged(shards)
    assert combined.interrupted and not combined.complete


def test_a_huge_shard_count_is_counted_not_listed() -> None:
    shard = dataclasses.replace(rich_run(), shard=(1, 10**12))
    note = merged([shard]).notes[-1]
    assert note.startswith("incomplete: shard(s) 2, 3, 4,") and f"and {10**12 - 21} more of {10**12}" in note


@pytest.mark.parametrize("shards, message", [
    ([], "merge needs at least one report"),
    ([None], "shard1.json is not a shard report (it was not written with --shard)"),
    ([(1, 2), (1, 3)], "the reports come from different shard counts: [2, 3]"),
    ([(2, 3), (1, 3), (2, 3)], "shard 2 of 3 is given twice"),
    ([(4, 3)], "shard1.json claims shard 4 of 3, which does not exist"),
])
def test_runs_that_are_not_shards_of_one_audit_are_refused(shards: list[tuple[int, int] | None],
                                                           message: str) -> None:
    with pytest.raises(UsageError) as raised:
        merged([dataclasses.replace(rich_run(), shard=shard) for shard in shards])
    assert str(raised.value) == message
