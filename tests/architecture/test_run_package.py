"""The run package's imports point one way: no import hidden in a function, no cycle."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNS = ROOT / "sandboxes" / "runs"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(RUNS.rglob("*.py"))}


def imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def local_imports(tree: ast.Module) -> list[int]:
    """Lines of imports inside a function or class body."""
    lines = []
    for scope in ast.walk(tree):
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            lines.extend(
                node.lineno
                for node in ast.walk(scope)
                if isinstance(node, ast.Import | ast.ImportFrom)
            )
    return lines


def test_the_package_holds_the_run_modules():
    assert {"sandboxes.runs.start", "sandboxes.runs.ending", "sandboxes.runs.pipeline"} <= set(
        MODULES
    )


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_is_hidden_in_a_function(name):
    tree = ast.parse(MODULES[name].read_text())

    assert local_imports(tree) == [], f"{name} imports inside a function (lines listed)"


def test_the_run_modules_import_one_another_without_a_cycle():
    graph = {
        name: {other for other in imported(ast.parse(path.read_text())) if other in MODULES}
        - {name}
        for name, path in MODULES.items()
    }
    # A package imports its modules' names through them; only modules' own imports count.
    order = list(graphlib.TopologicalSorter(graph).static_order())  # raises CycleError

    assert set(order) == set(MODULES)


def test_a_cycle_or_a_hidden_import_would_be_found():
    cyclic = {"a": {"b"}, "b": {"a"}}
    with pytest.raises(graphlib.CycleError):
        list(graphlib.TopologicalSorter(cyclic).static_order())
    hidden = ast.parse("def f():\n    import os\n")
    assert local_imports(hidden) == [2]
