"""docs/rules.md, written from the catalog: `python -m validator.rules_doc > docs/rules.md` (a test checks it)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

from .catalog import FIXES, SCHEMA_ANCHOR, RuleInfo, all_rules

_GROUPS = (("yaml/", "Loading the file"), ("seed/", "Domain rules"), ("link/", "Link health"),
           ("internal/", "The validator itself"))


def render() -> str:
    return "".join(_lines())


def _lines() -> Iterator[str]:
    yield "# Rules\n\n"
    yield ("Every finding names the rule that produced it. Reports link here: each rule has its own anchor\n"
           "(`docs/rules.md#<rule id with '/' as '-'>`, e.g. `#seed-duplicate-article`). This page is written\n"
           "from `validator/catalog.py` by `python -m validator.rules_doc > docs/rules.md`.\n\n")
    rules = all_rules()
    for prefix, title in _GROUPS:
        yield f"## {title}\n\n"
        for rule in (r for r in rules if r.id.startswith(prefix)):
            yield from _section(rule)
    yield f'## Structure\n\n<a id="{SCHEMA_ANCHOR}"></a>\n\n### `schema/<keyword>`\n\n'
    yield ("The record violates the JSON Schema (`schemas/seed.schema.json`, or the one given with `--schema`);\n"
           "the rule id names the keyword, e.g. `schema/type`, `schema/required`, `schema/enum`,\n"
           "`schema/additionalProperties` (the message suggests the key meant), `schema/format`. Severity: error.\n\n")
    yield f"**How to fix:** {FIXES[SCHEMA_ANCHOR]}\n"


def _section(rule: RuleInfo) -> Iterator[str]:
    yield f'<a id="{rule.anchor}"></a>\n\n### `{rule.id}`\n\n'
    description = rule.description[0].upper() + rule.description[1:]
    yield f"{description}. Severity: {rule.severity}.\n\n**How to fix:** {rule.fix}\n\n"


if __name__ == "__main__":
    sys.stdout.write(render())
