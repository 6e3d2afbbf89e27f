"""Whether an environment is built, read without a lock: the manifest or None."""

from __future__ import annotations

import json

from sandboxes.engine.packages.store import Store

KEY = "a" * 64


def test_a_built_environment_has_its_manifest_read(tmp_path):
    (tmp_path / KEY).mkdir()
    (tmp_path / KEY / "manifest.json").write_text(json.dumps({"installed": ["six==1.16.0"]}))

    assert Store(tmp_path).manifest(KEY) == {"installed": ["six==1.16.0"]}


def test_an_environment_not_built_or_half_written_has_none(tmp_path):
    (tmp_path / KEY).mkdir()
    (tmp_path / KEY / "manifest.json").write_text("{not json")

    assert Store(tmp_path).manifest(KEY) is None
    assert Store(tmp_path).manifest("b" * 64) is None
