"""Every variable the settings read is in README.md's Configuration table and in
.env.example, and neither lists one that nothing reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Read by a library rather than by config/settings.py.
READ_ELSEWHERE = {"PROMETHEUS_MULTIPROC_DIR"}


def read_by_settings() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", source))


def in_readme_table() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", row.split("|")[1])}


def in_env_example() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_the_settings_read_some_variables():
    assert {"SECRET_KEY", "DATABASE_URL", "SANDBOX_DISPATCHER"} <= read_by_settings()


def test_the_readme_lists_every_variable_and_no_other():
    assert in_readme_table() == read_by_settings() | READ_ELSEWHERE


def test_env_example_lists_every_variable_and_no_other():
    assert in_env_example() == read_by_settings() | READ_ELSEWHERE


def test_the_readme_table_is_one_table():
    # A blank line inside it ends the table: the rows after it render as plain text.
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    lines = section.splitlines()
    rows = [i for i, line in enumerate(lines) if line.startswith("|")]
    assert rows == list(range(rows[0], rows[-1] + 1))
