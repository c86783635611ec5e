"""The layout keeps its direction: no import loop between modules or parts (module or subpackage) of validator/,
and the reports sit on top of problems and baselines, never below them."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "validator"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, known: set[str]) -> Iterator[str]:
    """The validator modules a module imports (any import statement, at any depth)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            for candidate in (target, *(f"{target}.{alias.name}" for alias in node.names)):
                if candidate in known and candidate != name:
                    yield candidate


def graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: set(imports(path, set(paths))) for name, path in paths.items()}


def part(name: str) -> str:
    """validator.report.codec → validator.report; validator.cli → validator.cli."""
    return ".".join(name.split(".")[:2])


def loops(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in edges.get(node, set()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group: list[str] = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in list(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_loop_between_modules() -> None:
    assert loops(graph()) == []


def test_no_import_loop_between_the_parts_of_the_package() -> None:
    parts: dict[str, set[str]] = {}
    for name, targets in graph().items():
        parts.setdefault(part(name), set()).update(part(t) for t in targets if part(t) != part(name))
    assert loops(parts) == []


def test_only_the_command_line_imports_the_reports() -> None:
    importers = {part(name) for name, targets in graph().items()
                 if part(name) != "validator.report" and any(part(t) == "validator.report" for t in targets)}
    # The two front ends: the command line, and the GitHub Action's driver (its lines are escaped like the
    # command line's, by report.escape).
    assert importers <= {"validator.cli", "validator.ci"} and "validator.cli" in importers
