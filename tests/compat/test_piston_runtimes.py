"""Piston API v2's GET /runtimes: the engine's runtimes, as Piston lists its packages."""

from __future__ import annotations

import pytest

from sandboxes.engine_config import get_engine

pytestmark = pytest.mark.sandbox


def test_it_lists_each_runtime_with_its_real_version_and_aliases(piston):
    response = piston.get("/piston/api/v2/runtimes")

    assert response.status_code == 200
    listed = {(entry["language"], entry["version"]): entry for entry in response.json()}
    engine = get_engine()
    for runtime in engine.runtimes.runtimes.values():
        language = "python" if runtime.language == "python" else "javascript"
        assert (language, runtime.version) in listed
    python = next(entry for entry in response.json() if entry["language"] == "python")
    assert {"py", "python3"} <= set(python["aliases"])
    node = next(entry for entry in response.json() if entry["language"] == "javascript")
    assert node["runtime"] == "node"
    assert "js" in node["aliases"]


def test_typescript_is_listed_on_a_node_that_runs_it(piston):
    entries = piston.get("/piston/api/v2/runtimes/").json()  # a client's trailing slash

    typescript = [entry for entry in entries if entry["language"] == "typescript"]
    node_versions = {entry["version"] for entry in entries if entry["language"] == "javascript"}
    assert typescript
    assert {entry["version"] for entry in typescript} <= node_versions
