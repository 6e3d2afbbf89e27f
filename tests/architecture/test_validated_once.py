"""A run's input is checked once, by the service that starts every run
(sandboxes/runs/start.py): the HTTP APIs parse their JSON and leave the rules (sizes,
paths, names, the runtime) to it, so a rule lives in one place and runs once a request."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN_INPUT_CHECKS = {
    "runtime_check",
    "validate_args",
    "validate_file_size",
    "validate_files",
    "validate_stdin",
    "validate_variable",
}


def checks_called(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in RUN_INPUT_CHECKS:
                found.append((node.lineno, name))
    return found


def test_the_apis_leave_a_runs_checks_to_the_start_service():
    found = [
        f"{path.relative_to(ROOT)}:{line} {name}"
        for app in ("api", "compat")
        for path in sorted((ROOT / app).rglob("*.py"))
        for line, name in checks_called(ast.parse(path.read_text()))
    ]

    assert found == [], "these check a run's input a second time: " + ", ".join(found)


def test_the_start_service_checks_each_once():
    source = (ROOT / "sandboxes/runs/start.py").read_text()
    called = [name for _, name in checks_called(ast.parse(source))]

    assert sorted(called) == sorted(RUN_INPUT_CHECKS), called
