"""Tests and benchmarks share helper modules, never tests: no module under tests/ imports
a test module or a conftest (fixtures reach tests through pytest), and bench/ imports
nothing from tests/ (what both need lives in harness/)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, source: str | None = None) -> set[str]:
    """The modules a file imports (relative imports resolved; `from a import b` names a.b
    too, which may be a module)."""
    package = module_name(path).rsplit(".", 1)[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source if source is not None else path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            module = f"{base}.{node.module}" if node.level and node.module else node.module
            module = module or base
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def is_test_module(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return name.startswith("tests.") and (last.startswith("test_") or last == "conftest")


def test_no_module_of_the_tests_imports_a_test_module_or_a_conftest():
    offenders = {
        module_name(path): sorted(name for name in imported(path) if is_test_module(name))
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if "vendor" not in path.parts
    }

    assert {module: names for module, names in offenders.items() if names} == {}


def test_the_benchmarks_import_nothing_from_the_tests():
    offenders = {
        module_name(path): sorted(name for name in imported(path) if name.split(".")[0] == "tests")
        for path in sorted((ROOT / "bench").glob("*.py"))
    }

    assert {module: names for module, names in offenders.items() if names} == {}


def test_such_imports_would_be_found():
    where = ROOT / "tests" / "api" / "test_example.py"
    found = imported(where, "from .conftest import bearer\nfrom tests.workers import test_cancel\n")

    assert {name for name in found if is_test_module(name)} == {
        "tests.api.conftest",
        "tests.workers.test_cancel",
    }
