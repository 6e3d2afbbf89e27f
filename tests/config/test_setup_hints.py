"""The set-up commands the app's messages and system checks name exist in this checkout."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "api", "blobs", "compat", "config", "operations", "quotas", "sandboxes"]
SCRIPT = re.compile(r"\bscripts/[\w./-]*\w")


def scripts_named() -> dict[str, list[str]]:
    named: dict[str, list[str]] = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            for script in SCRIPT.findall(path.read_text()):
                named.setdefault(script, []).append(str(path.relative_to(ROOT)))
    return named


def test_every_script_a_message_names_exists():
    named = scripts_named()

    missing = {script: where for script, where in named.items() if not (ROOT / script).exists()}

    assert "scripts/install" in named  # the set-up the checks point to
    assert missing == {}


def test_a_script_that_does_not_exist_would_be_found():
    assert SCRIPT.findall("run `scripts/setup` first (or scripts/lib/x.sh).") == [
        "scripts/setup",
        "scripts/lib/x.sh",
    ]
