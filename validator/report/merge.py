"""Shard runs → one run, as if one machine had checked everything (a fold over RunResults)."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import UsageError
from ..models import RunResult

_NAMED = 20  # missing shards named in the note; more are counted


def merge_results(results: Sequence[RunResult], names: Sequence[str]) -> RunResult:
    """Combine the runs of shards (names: where each came from, for messages). The result is complete only
    when every shard 1..N is present and none was interrupted."""
    missing, count, total = _missing_shards(results, names)
    first = results[0]
    merged = RunResult(
        tool_version=first.tool_version, options=dict(first.options),
        started_at=min(r.started_at for r in results), finished_at=max(r.finished_at for r in results),
        inconclusive=any(r.inconclusive for r in results), interrupted=any(r.interrupted for r in results))
    for result in results:
        _fold(merged, result)
    merged.checked_files = sorted(set(merged.checked_files))
    merged.notes = list(dict.fromkeys(note for r in results for note in r.notes))
    if count:
        more = f" and {count - len(missing)} more" if count > len(missing) else ""
        merged.notes.append(f"incomplete: shard(s) {', '.join(map(str, missing))}{more} of {total} missing "
                            "from the merge")
    merged.complete = not count and not merged.interrupted
    return merged


def _missing_shards(results: Sequence[RunResult], names: Sequence[str]) -> tuple[list[int], int, int]:
    """The first missing shards (up to _NAMED), how many are missing and of how many; UsageError when the
    runs are not shards of one audit."""
    if not results:
        raise UsageError("merge needs at least one report")
    shards: list[tuple[int, int]] = []
    for result, name in zip(results, names, strict=True):
        if result.shard is None:
            raise UsageError(f"{name} is not a shard report (it was not written with --shard)")
        index, total = result.shard
        if not 1 <= index <= total:
            raise UsageError(f"{name} claims shard {index} of {total}, which does not exist")
        shards.append(result.shard)
    totals = {total for _, total in shards}
    if len(totals) != 1:
        raise UsageError(f"the reports come from different shard counts: {sorted(totals)}")
    total = totals.pop()
    indexes = [index for index, _ in shards]
    repeated = sorted({i for i in indexes if indexes.count(i) > 1})
    if repeated:
        raise UsageError(f"shard {repeated[0]} of {total} is given twice")
    present = set(indexes)
    named: list[int] = []
    for index in range(1, total + 1):  # stops early: never counts up to a huge total one by one
        if len(named) == _NAMED:
            break
        if index not in present:
            named.append(index)
    return named, total - len(present), total


def _fold(merged: RunResult, shard: RunResult) -> None:
    """Add one shard's run: its files and findings are its own; a link is checked by one shard (by host),
    and the first shard that has it wins should two."""
    merged.files += shard.files
    merged.records += shard.records
    merged.checked_files.extend(shard.checked_files)
    merged.published_years.update(shard.published_years)
    merged.findings.extend(shard.findings)
    for key, entry in shard.links.items():
        merged.links.setdefault(key, entry)
    if shard.baseline_keys is not None:
        merged.baseline_keys = (merged.baseline_keys or frozenset()) | shard.baseline_keys
        merged.baseline_file = merged.baseline_file or shard.baseline_file
