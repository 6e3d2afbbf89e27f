"""The package cache folder: content-addressed environments, their locks, use and size.

    <dir>/<key>/                  a complete environment (root-owned, read-only to others)
        python/ | node/node_modules     what runs mount
        manifest.json             runtime, specs, size, when built
        last-used                 its modification time is the environment's last use
    <dir>/<key>.lock              flock: shared while a run uses it, exclusive to build or
                                  remove it
    <dir>/<key>.tmp-<pid>-<rand>  being built; renamed to <key> only once complete
    <dir>/<key>.failed            why the last build failed (honoured for a minute, so runs
                                  that waited for a failing build do not repeat it)
    <dir>/cache/uv, cache/npm     the installers' download caches, shared by installs
    <dir>/tools/                  the uv binary, where the sandbox user can read it

A half-built environment never has its final name, so it is never used; one left by a dead
engine is removed at start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..cgroups import owner_is_alive

# Bump when what an environment contains, or how it is built, changes: old ones are unused.
FORMAT = 1
KEY = re.compile(r"^[0-9a-f]{64}$")
FAILURE_SECONDS = 60
TOUCH_EVERY_SECONDS = 60  # last use is recorded at most this often (a run's hot path)
LOCK_POLL_SECONDS = 0.05
SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*$", re.IGNORECASE)


def platform_tag() -> str:
    """What a binary wheel or a native npm package is built for: OS, CPU and C library."""
    libc, version = platform.libc_ver()
    return f"{platform.system()}-{platform.machine()}-{libc or 'unknown'}{version}".lower()


def environment_key(runtime_id: str, runtime_version: str, specs: tuple[str, ...]) -> str:
    """sha256 of what decides an environment's content. `specs` must be normalised."""
    identity = {
        "format": FORMAT,
        "runtime": runtime_id,
        "version": runtime_version,
        "platform": platform_tag(),
        "packages": list(specs),
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def parse_size(text: str) -> int:
    """ "500M", "2G", "1.5GiB", "1048576" -> bytes (powers of 1024)."""
    match = SIZE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a size such as 500M or 2G")
    number, unit = match.groups()
    return int(float(number) * 1024 ** " KMGT".index(unit.upper() or " "))


def tree_size(path: Path) -> int:
    """Bytes in the regular files under `path`, never following symlinks."""
    total = 0
    for folder, _dirs, names, dir_fd in os.fwalk(path, follow_symlinks=False):
        del folder
        for name in names:
            with contextlib.suppress(OSError):
                info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
                if stat.S_ISREG(info.st_mode):
                    total += info.st_size
    return total


class KeyLock:
    """The flock on `<key>.lock`: shared while in use, exclusive to build or remove."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    def try_lock(self, exclusive: bool) -> bool:
        try:
            fcntl.flock(self.fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    async def lock(self, exclusive: bool, cancelled: Callable[[], bool] = lambda: False) -> bool:
        """Wait for the lock (polling, so waiting can be cancelled); False if cancelled."""
        while not self.try_lock(exclusive):
            if cancelled():
                return False
            await asyncio.sleep(LOCK_POLL_SECONDS)
        return True

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # releases the lock
            self.fd = -1


@dataclass(frozen=True)
class Entry:
    key: str
    path: Path
    size: int
    last_used: float
    description: str  # "python3.13: pandas, matplotlib"


@dataclass(frozen=True)
class PruneReport:
    removed: list[Entry]
    kept: list[Entry]
    busy: list[Entry]  # in use or being built: never removed
    caches_cleared: list[Path]
    dry_run: bool

    @property
    def freed_bytes(self) -> int:
        return sum(entry.size for entry in self.removed)

    @property
    def kept_bytes(self) -> int:
        return sum(entry.size for entry in self.kept + self.busy)


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.caches = root / "cache"
        self.tools = root / "tools"

    def path(self, key: str) -> Path:
        return self.root / key

    def lock(self, key: str) -> KeyLock:
        return KeyLock(self.root / f"{key}.lock")

    def exists(self, key: str) -> bool:
        return (self.root / key / "manifest.json").is_file()

    def manifest(self, key: str) -> dict | None:
        """A complete environment's manifest (what it was asked for and resolved to), or
        None when it is not built: a stat and a small read, no lock."""
        try:
            manifest = json.loads((self.root / key / "manifest.json").read_text())
        except (OSError, ValueError):
            return None
        return manifest if isinstance(manifest, dict) else None

    def temporary(self, key: str) -> Path:
        return self.root / f"{key}.tmp-{os.getpid()}-{os.urandom(6).hex()}"

    def mark_used(self, key: str, now: float | None = None) -> None:
        marker = self.root / key / "last-used"
        now = time.time() if now is None else now
        with contextlib.suppress(FileNotFoundError):
            if now - marker.stat().st_mtime < TOUCH_EVERY_SECONDS:
                return
        with contextlib.suppress(OSError):
            marker.touch()
            os.utime(marker, (now, now))

    def commit(self, key: str, built: Path, manifest: dict) -> None:
        """Make a complete build (a folder beside its final place) the environment."""
        manifest = {**manifest, "size": tree_size(built)}
        (built / "manifest.json").write_text(json.dumps(manifest, indent=1))
        (built / "last-used").touch()
        for folder, dirs, names in os.walk(built):
            for name in dirs:
                os.chmod(os.path.join(folder, name), 0o755, follow_symlinks=False)
            for name in names:
                path = os.path.join(folder, name)
                info = os.lstat(path)
                if stat.S_ISREG(info.st_mode):
                    # Never setuid/setgid, never writable by others: a file keeps only
                    # whether it is executable.
                    os.chmod(path, 0o755 if info.st_mode & 0o111 else 0o644)
        os.chmod(built, 0o755)
        os.rename(built, self.root / key)

    def record_failure(self, key: str, message: str) -> None:
        (self.root / f"{key}.failed").write_text(json.dumps({"message": message}))

    def recent_failure(self, key: str) -> str | None:
        path = self.root / f"{key}.failed"
        try:
            if time.time() - path.stat().st_mtime > FAILURE_SECONDS:
                return None
            return json.loads(path.read_text())["message"]
        except (OSError, ValueError, KeyError):
            return None

    def clear_failure(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.root / f"{key}.failed").unlink()

    # --- the whole cache ----------------------------------------------------------------

    def remove_stale(self) -> int:
        """Remove half-built environments whose engine died, and old failure notes."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for path in self.root.iterdir():
            name = path.name
            if ".tmp-" in name or ".trash-" in name:
                owner = name.split(".tmp-" if ".tmp-" in name else ".trash-", 1)[1]
                if not owner_is_alive(owner):
                    shutil.rmtree(path, ignore_errors=True)
                    removed += 1
            elif name.endswith(".failed") and time.time() - _mtime(path) > FAILURE_SECONDS:
                path.unlink(missing_ok=True)
        return removed

    def entries(self) -> list[Entry]:
        """Complete environments, least recently used first."""
        entries = []
        if not self.root.is_dir():
            return entries
        for path in self.root.iterdir():
            if not KEY.match(path.name) or not (path / "manifest.json").is_file():
                continue
            try:
                manifest = json.loads((path / "manifest.json").read_text())
            except (OSError, ValueError):
                manifest = {}
            size = manifest.get("size")
            entries.append(
                Entry(
                    key=path.name,
                    path=path,
                    size=size if isinstance(size, int) else tree_size(path),
                    last_used=_mtime(path / "last-used") or _mtime(path),
                    description=_describe(manifest),
                )
            )
        return sorted(entries, key=lambda entry: (entry.last_used, entry.key))

    def cache_size(self) -> int:
        return tree_size(self.caches) if self.caches.is_dir() else 0

    def prune(self, max_bytes: int, *, dry_run: bool = False, keep: str = "") -> PruneReport:
        """Remove least-recently-used environments until the cache (environments and
        download caches) fits in `max_bytes`; then, if still over, clear the download
        caches. An environment in use or being built (its lock held) is never removed."""
        entries = self.entries()
        total = sum(entry.size for entry in entries) + self.cache_size()
        removed: list[Entry] = []
        busy: list[Entry] = []
        for entry in entries:
            if total <= max_bytes:
                break
            if entry.key == keep:
                busy.append(entry)
                continue
            if not dry_run and not self._remove(entry.key):
                busy.append(entry)
                continue
            removed.append(entry)
            total -= entry.size
        cleared: list[Path] = []
        if total > max_bytes and self.caches.is_dir():
            for cache in sorted(self.caches.iterdir()):
                cleared.append(cache)
                if not dry_run:
                    _empty_folder(cache)
        gone = {entry.key for entry in removed + busy}
        kept = [entry for entry in entries if entry.key not in gone]
        return PruneReport(removed, kept, busy, cleared, dry_run)

    def _remove(self, key: str) -> bool:
        lock = self.lock(key)
        try:
            if not lock.try_lock(exclusive=True):
                return False
            trash = self.root / f"{key}.trash-{os.getpid()}-{os.urandom(6).hex()}"
            try:
                os.rename(self.root / key, trash)  # gone at once, under its lock
            except FileNotFoundError:
                return True
        finally:
            lock.close()
        shutil.rmtree(trash, ignore_errors=True)
        return True


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _describe(manifest: dict) -> str:
    runtime = manifest.get("runtime", "?")
    packages = manifest.get("packages") or []
    return f"{runtime}: {', '.join(packages) if packages else '(no packages)'}"


def _empty_folder(folder: Path) -> None:
    """Empty a download cache, keeping the folder itself (and its owner)."""
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
