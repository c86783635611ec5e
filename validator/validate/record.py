"""Schema and domain rules over one loaded record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..models import Finding
from ..positions import SourceMap, locate
from .rules import RULES, Rule, RuleContext, Subject
from .schema import SchemaChecker


class RecordValidator:
    """Schema and domain rules together; a rule's finding replaces the schema finding it explains better."""

    def __init__(self, schema: Mapping[str, Any], context: RuleContext, rules: Sequence[Rule] = RULES) -> None:
        self._schema = SchemaChecker(schema)
        self._context = context
        self._rules = tuple(rules)

    def validate(self, record: Mapping[str, Any], file: str, source: SourceMap | None) -> list[Finding]:
        rule_findings = []
        superseded: set[tuple[str, str]] = set()
        subject = Subject.of(record)
        for rule in self._rules:
            for hit in rule.check(subject, self._context):
                line, column = locate(source, hit.pointer)
                rule_findings.append(Finding(file, line, column, hit.pointer, rule.id, rule.severity, hit.message))
                superseded.update((hit.pointer, schema_rule) for schema_rule in rule.supersedes)
        schema_findings = [f for f in self._schema.findings(record, file, source)
                           if (f.pointer, f.rule) not in superseded]
        return schema_findings + rule_findings
