"""Owner-only files and folders for what the app keeps on disk (DATA_DIR, the SQLite file).

They hold every user's code, variables and sessions: no other local account (the sandbox
user included) may read them, whatever the umask. Existing ones are tightened when this
process owns them (an operator's own layout, owned by another account, is left alone).
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _tighten(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty (an empty file is an empty SQLite database) or tighten it.
    SQLite gives its -wal and -shm files the database file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=FILE_MODE, exist_ok=True)
    _tighten(path, FILE_MODE)
    return path


def _tighten(path: Path, mode: int) -> None:
    status = path.stat()
    if status.st_uid == os.getuid() and status.st_mode & 0o777 != mode:
        path.chmod(mode)
