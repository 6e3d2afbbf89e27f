"""DATA_DIR and the embedded SQLite database are the owner's alone (0700 and 0600), when
scripts/start's commands create them and when they already existed world-readable."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(data_dir: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_scripts_starts_commands_create_them_owner_only(tmp_path):
    data_dir = tmp_path / "var"

    # What scripts/start runs before serving.
    manage(data_dir, "migrate", "--noinput", "-v", "0")
    manage(data_dir, "seed_demo")

    assert mode(data_dir) == 0o700
    database = data_dir / "db.sqlite3"
    assert database.stat().st_size > 0
    for path in data_dir.glob("db.sqlite3*"):  # the database, its -wal and -shm
        assert mode(path) == 0o600, path.name
    assert mode(data_dir / "demo-credentials.json") == 0o600


def test_an_existing_world_readable_folder_and_database_are_tightened(tmp_path):
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)
    (data_dir / "db.sqlite3").touch()
    os.chmod(data_dir / "db.sqlite3", 0o644)

    manage(data_dir, "check")

    assert mode(data_dir) == 0o700
    assert mode(data_dir / "db.sqlite3") == 0o600
