"""Pure: a record, the problems reported on it and the verdicts on its links → the fixes that resolve them.

Every URL field is planned once, whatever fired on it: the whitespace trimmed, mojibake repaired and
non-ASCII percent-encoded in one value (so a second run finds nothing left to do), or replaced by a
link fix. cdnAmpWebUrl is recomputed whenever its ampWebUrl changes, in the same fix.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import amp
from ..extract import articles, url_fields
from ..models import LinkKind
from ..text import repair_mojibake
from ..urls import iri_to_uri
from . import links, nodes
from .edits import region
from .model import Change, Fix, Safety
from .source import Source

WHITESPACE, MOJIBAKE, NON_ASCII = "seed/url-whitespace", "seed/url-mojibake", "seed/url-non-ascii"
URL_RULES = (WHITESPACE, MOJIBAKE, NON_ASCII)
AMP_CACHE = "seed/amp-cache-url"
NULL_TOPIC = "seed/null-topic"
FIXABLE_RULES = frozenset({*URL_RULES, AMP_CACHE, NULL_TOPIC})
_WHITESPACE = re.compile(r"\s")
_STEP_TITLES = {WHITESPACE: "trim the whitespace around the URL", MOJIBAKE: "repair the mojibake",
                NON_ASCII: "percent-encode the non-ASCII characters"}


@dataclass(slots=True)
class _Planned:
    """A value change being planned; changes of one group are applied together or not at all."""

    group: str
    old: str | None
    new: str | None
    safety: Safety
    title: str
    resolves: list[tuple[str, str]] = field(default_factory=list)


def clean_url(value: str) -> tuple[str, tuple[str, ...]] | None:
    """The URL trimmed, de-mojibaked and percent-encoded, with the rule of each step taken; None when
    whitespace inside it remains (only a person knows what belongs there) or nothing is left."""
    steps: list[str] = []
    url = value.strip()
    if url != value:
        steps.append(WHITESPACE)
    repaired = repair_mojibake(url)
    if repaired is not None:
        url = repaired
        steps.append(MOJIBAKE)
    if not url or _WHITESPACE.search(url):
        return None
    if not url.isascii():
        url = iri_to_uri(url)
        steps.append(NON_ASCII)
    return url, tuple(steps)


def plan(source: Source, reported: Collection[tuple[str, str]], verdicts: Mapping[str, links.LinkVerdict], *,
         unsafe: bool) -> tuple[list[Fix], list[str]]:
    """The fixes for one file (safe ones, and with unsafe=True the unsafe ones) and notes on those that
    cannot be written as a minimal edit. reported holds the (pointer, rule) of every problem reported."""
    planned: dict[str, _Planned] = {}
    for pointer, url in _url_values(source.record):
        change = _url_change(pointer, url, reported, verdicts.get(pointer), unsafe=unsafe)
        if change is not None:
            planned[pointer] = change
    _plan_amp_cache(source.record, planned, reported)
    if unsafe:
        _plan_null_topics(source.record, planned, reported)
    return _build(source, planned)


def _url_values(record: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for url_field in url_fields(record):
        if url_field.kind is not LinkKind.EMBED:  # an embed's URL is inside featuredContent's HTML
            yield url_field.pointer, url_field.url


def _url_change(pointer: str, url: str, reported: Collection[tuple[str, str]], verdict: links.LinkVerdict | None,
                *, unsafe: bool) -> _Planned | None:
    rules = [(pointer, rule) for rule in URL_RULES if (pointer, rule) in reported]
    replacement = links.replacement(verdict, url) if verdict is not None else None
    if verdict is not None and replacement is not None and (unsafe or replacement.safety is Safety.SAFE):
        cleaned = clean_url(replacement.url)
        if cleaned is not None and cleaned[0] != url:
            return _Planned(pointer, url, cleaned[0], replacement.safety, replacement.title,
                            [*rules, (pointer, verdict.rule)])
    cleaned = clean_url(url)
    if cleaned is None or cleaned[0] == url or not rules:
        return None
    title = "; ".join(_STEP_TITLES[step] for step in cleaned[1])
    return _Planned(pointer, url, cleaned[0], Safety.SAFE, title, rules)



def _plan_amp_cache(record: Mapping[str, Any], planned: dict[str, _Planned],
                    reported: Collection[tuple[str, str]]) -> None:
    """cdnAmpWebUrl recomputed from ampWebUrl (as it will be): where the rule fired, or where a fix of
    ampWebUrl would otherwise leave it wrong (then in the same group as that fix)."""
    for base, item in articles(record):
        amp_pointer, cdn_pointer = f"{base}/ampWebUrl", f"{base}/cdnAmpWebUrl"
        amp_url, cdn_url = item.get("ampWebUrl"), item.get("cdnAmpWebUrl")
        if not (isinstance(amp_url, str) and isinstance(cdn_url, str)):
            continue
        cause = planned.get(amp_pointer)
        if cause is None and (cdn_pointer, AMP_CACHE) not in reported:
            continue
        expected = amp.cache_url((cause.new if cause and cause.new else amp_url).strip())
        if expected is None or clean_url(expected) != (expected, ()) or cdn_url == expected:
            continue
        resolves = [(cdn_pointer, rule) for rule in (AMP_CACHE, *URL_RULES) if (cdn_pointer, rule) in reported]
        title = f"recompute cdnAmpWebUrl from ampWebUrl: {expected}"
        planned[cdn_pointer] = _Planned(cause.group if cause else cdn_pointer, cdn_url, expected,
                                        cause.safety if cause else Safety.SAFE, title, resolves)


def _plan_null_topics(record: Mapping[str, Any], planned: dict[str, _Planned],
                      reported: Collection[tuple[str, str]]) -> None:
    topics = record.get("topics")
    if not isinstance(topics, list):
        return
    for index, topic in enumerate(topics):
        pointer = f"/topics/{index}"
        if topic is None and (pointer, NULL_TOPIC) in reported:
            planned[pointer] = _Planned(pointer, None, None, Safety.UNSAFE, "remove the empty topic item",
                                        [(pointer, NULL_TOPIC)])


def _build(source: Source, planned: dict[str, _Planned]) -> tuple[list[Fix], list[str]]:
    """The planned changes as fixes with their text edits; a group that cannot be edited safely is dropped
    whole, with a note."""
    fixes: list[Fix] = []
    notes: list[str] = []
    groups: dict[str, list[str]] = {}
    for pointer, change in planned.items():
        if change.new is not None:
            groups.setdefault(change.group, []).append(pointer)
    for group, pointers in groups.items():
        changes = [planned[p] for p in pointers]
        try:
            edits = tuple(nodes.replace_scalar(source.text, _located(source, p), str(planned[p].new))
                          for p in pointers)
        except nodes.Unfixable as exc:
            notes.append(f"{source.file}: {group}: not fixed ({changes[0].title}): {exc}")
            continue
        safety = Safety.UNSAFE if any(c.safety is Safety.UNSAFE for c in changes) else Safety.SAFE
        fixes.append(Fix(source.file, safety, "; ".join(c.title for c in changes),
                         tuple(r for c in changes for r in c.resolves),
                         tuple(Change(p, planned[p].old, planned[p].new) for p in pointers), edits))
    removals = sorted((p for p, change in planned.items() if change.new is None), key=_index)
    if removals:
        fixes += _removal_fixes(source, planned, removals, notes)
    return [_with_regions(fix, source.text) for fix in fixes], notes


def _index(pointer: str) -> int:
    return int(pointer.rsplit("/", 1)[1])


def _removal_fixes(source: Source, planned: dict[str, _Planned], pointers: list[str], notes: list[str]) -> list[Fix]:
    """Removals of the null items of one sequence (topics): one fix per item, or one for all of them."""
    sequence = pointers[0].rsplit("/", 1)[0]
    try:
        edits = nodes.remove_items(source.text, _located(source, sequence), [_index(p) for p in pointers])
    except nodes.Unfixable as exc:
        notes.append(f"{source.file}: {sequence}: empty items not removed: {exc}")
        return []
    if len(edits) == 1 and len(edits[0][1]) > 1:  # every item goes: one fix empties the list
        return [Fix(source.file, Safety.UNSAFE, "replace the list of empty items by []",
                    tuple(r for p in pointers for r in planned[p].resolves),
                    tuple(Change(p, None, None) for p in pointers), edits[0][1])]
    return [Fix(source.file, Safety.UNSAFE, planned[f"{sequence}/{i}"].title,
                tuple(planned[f"{sequence}/{i}"].resolves), (Change(f"{sequence}/{i}", None, None),), item_edits)
            for i, item_edits in edits]


def _located(source: Source, pointer: str) -> nodes.Located:
    located = nodes.locate(source.root, pointer)
    if located is None:
        raise nodes.Unfixable("the value is not in the node tree")
    return located


def _with_regions(fix: Fix, text: str) -> Fix:
    regions = tuple(region(text, edit.start, edit.end) for edit in fix.edits)
    return Fix(fix.file, fix.safety, fix.title, fix.resolves, fix.changes, fix.edits, regions)
