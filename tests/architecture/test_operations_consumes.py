"""`operations` only consumes: it imports the other apps, and none of them imports it, at
the top of a module or inside a function. Where they need something of it, they name it
in settings (config/ may) or send a signal it listens to."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCERS = ("accounts", "api", "blobs", "compat", "quotas", "sandboxes")


def operations_imports(tree: ast.Module) -> list[int]:
    """Lines that import operations or one of its modules, wherever they are."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(name == "operations" or name.startswith("operations.") for name in names):
            lines.append(node.lineno)
    return lines


def test_no_other_app_imports_operations():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for app in PRODUCERS
        for path in sorted((ROOT / app).rglob("*.py"))
        for line in operations_imports(ast.parse(path.read_text()))
    ]

    assert found == [], "these import operations: " + ", ".join(found)


def test_the_pages_need_no_context_processor_of_operations():
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]

    assert [name for name in processors if name.startswith("operations.")] == []


def test_an_import_at_the_top_or_in_a_function_would_be_found():
    code = (
        "import operations\n"
        "from operations.metrics import serve\n"
        "from operationsx import y\n"
        "def f():\n"
        "    import operations.metrics as metrics\n"
        "    from operations import services\n"
    )

    assert operations_imports(ast.parse(code)) == [1, 2, 5, 6]
