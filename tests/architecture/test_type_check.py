"""The apps type-check: mypy with django-stubs passes, strict on the engine
(pyproject.toml's [tool.mypy] says what is checked and how)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_finds_no_type_error():
    checked = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=900
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr
