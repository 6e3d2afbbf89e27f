"""The engine could be published on its own: it must not depend on Django."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import sandboxes.engine

ENGINE_DIR = Path(sandboxes.engine.__file__).parent


def test_no_engine_module_imports_django():
    offenders = []
    for module in ENGINE_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            offenders += [f"{module.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []


def test_the_engine_imports_in_a_process_without_django_configured():
    code = "import sys, sandboxes.engine; print('django' in sys.modules)"
    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ENGINE_DIR.parent.parent,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert output.stdout.strip() == "False"
