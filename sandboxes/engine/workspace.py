"""A run's private filesystem: a size-limited tmpfs holding its workspace and /tmp.

The tmpfs is mounted on the host for the run's lifetime, so the disk limit covers the
workspace and /tmp together, and the files a run produced can be read after it ended.
Reading them never follows a symlink and never opens anything but a regular file.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .cgroups import owner_is_alive
from .errors import EngineUnavailable

MS_NOSUID = 0x2
MS_NODEV = 0x4
MNT_DETACH = 0x2
READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC

_libc = ctypes.CDLL(None, use_errno=True)


def _mount_tmpfs(target: Path, options: str) -> None:
    if _libc.mount(b"tmpfs", bytes(target), b"tmpfs", MS_NOSUID | MS_NODEV, options.encode()):
        error = ctypes.get_errno()
        raise EngineUnavailable(
            f"cannot mount the run's tmpfs at {target}: {os.strerror(error)} "
            "(the engine needs root to give every run a size-limited filesystem)"
        )


def _unmount(target: Path) -> None:
    _libc.umount2(bytes(target), MNT_DETACH)


@dataclass(frozen=True)
class Changes:
    files: dict[str, bytes]  # created or changed, by workspace path
    deleted: tuple[str, ...]


class Workspace:
    """``<scratch>/runs/<id>/fs`` is the tmpfs; ``workspace/``, ``tmp/`` and ``shm/`` live in it."""

    def __init__(self, scratch: Path, run_id: str, *, uid: int, gid: int) -> None:
        self.run_dir = scratch / "runs" / run_id
        self.mount_point = self.run_dir / "fs"
        self.workspace = self.mount_point / "workspace"
        self.tmp = self.mount_point / "tmp"
        self.shm = self.mount_point / "shm"
        self.uid, self.gid = uid, gid
        self._mounted = False

    def create(self, files: dict[str, bytes], *, disk_bytes: int) -> None:
        self.run_dir.mkdir(mode=0o711, parents=True)
        self.mount_point.mkdir(mode=0o700)
        inodes = max(1024, disk_bytes // 4096)
        _mount_tmpfs(
            self.mount_point,
            f"size={disk_bytes},nr_inodes={inodes},mode=0700,uid={self.uid},gid={self.gid}",
        )
        self._mounted = True
        for folder in (self.workspace, self.tmp, self.shm):
            folder.mkdir(mode=0o700)
            os.chown(folder, self.uid, self.gid)
        for path, content in files.items():
            self._write(path, content)

    def _write(self, path: str, content: bytes) -> None:
        target = self.workspace / path
        folder = self.workspace
        for part in Path(path).parts[:-1]:
            folder = folder / part
            if not folder.exists():
                folder.mkdir(mode=0o755)
                os.chown(folder, self.uid, self.gid)
        target.write_bytes(content)
        os.chown(target, self.uid, self.gid)

    def changes(self, before: dict[str, bytes]) -> Changes:
        """Regular files that differ from `before`; symlinks and special files are skipped.

        Call it once no process of the run is left: nothing can swap a file meanwhile.
        """
        files: dict[str, bytes] = {}
        seen: set[str] = set()
        for folder, _dirs, names, dir_fd in os.fwalk(self.workspace, follow_symlinks=False):
            relative = os.path.relpath(folder, self.workspace)
            for name in names:
                path = name if relative == "." else f"{relative}/{name}"
                content = _read_regular(name, dir_fd)
                if content is None:
                    continue
                seen.add(path)
                if before.get(path) != content:
                    files[path] = content
        deleted = tuple(sorted(path for path in before if path not in seen))
        return Changes(files=files, deleted=deleted)

    def remove(self) -> None:
        if self._mounted:
            _unmount(self.mount_point)
            self._mounted = False
        for folder in (self.mount_point, self.run_dir):
            with contextlib.suppress(FileNotFoundError):
                folder.rmdir()


def _read_regular(name: str, dir_fd: int) -> bytes | None:
    try:
        fd = os.open(name, READ_FLAGS, dir_fd=dir_fd)
    except OSError:  # a symlink (ELOOP), or gone
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as source:
            return source.read()
    finally:
        os.close(fd)


def remove_stale_workspaces(scratch: Path) -> int:
    """Unmount and delete run folders whose engine process has died."""
    removed = 0
    runs = scratch / "runs"
    if not runs.is_dir():
        return 0
    for run_dir in runs.iterdir():
        if owner_is_alive(run_dir.name):
            continue
        _unmount(run_dir / "fs")
        for folder in (run_dir / "fs", run_dir):
            with contextlib.suppress(OSError):
                folder.rmdir()
        removed += 1
    return removed
