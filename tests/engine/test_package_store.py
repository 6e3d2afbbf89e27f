"""The package cache folder: committing a build, half-built folders, last use, pruning.

Plain files and locks: no sandbox needed.
"""

from __future__ import annotations

import os
import stat
import time

import pytest

from sandboxes.engine.packages.store import Store

KiB = 1024


def key(n: int) -> str:
    return f"{n:064x}"


def build(store: Store, n: int, *, size: int, used: float | None = None) -> str:
    """A committed environment of `size` bytes, last used at `used`."""
    store.root.mkdir(parents=True, exist_ok=True)
    folder = store.temporary(key(n))
    (folder / "python").mkdir(parents=True)
    (folder / "python" / "blob.bin").write_bytes(b"x" * size)
    store.commit(key(n), folder, {"runtime": "python3.13", "packages": [f"package{n}"]})
    if used is not None:
        os.utime(store.path(key(n)) / "last-used", (used, used))
    return key(n)


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "packages")


def test_a_committed_build_has_its_final_name_a_manifest_and_its_size(store):
    name = build(store, 1, size=10 * KiB)

    assert store.exists(name)
    assert [entry.key for entry in store.entries()] == [name]
    assert store.entries()[0].size >= 10 * KiB
    assert not [p for p in store.root.iterdir() if ".tmp-" in p.name]


def test_a_committed_build_is_never_setuid_nor_writable_by_others(store):
    folder = store.temporary(key(2))
    (folder / "python").mkdir(parents=True)
    tool = folder / "python" / "tool"
    tool.write_text("#!/bin/sh\n")
    os.chmod(tool, 0o6777)
    data = folder / "python" / "data.txt"
    data.write_text("x")
    os.chmod(data, 0o666)

    store.commit(key(2), folder, {})

    final = store.path(key(2)) / "python"
    assert stat.S_IMODE((final / "tool").stat().st_mode) == 0o755
    assert stat.S_IMODE((final / "data.txt").stat().st_mode) == 0o644


def test_a_half_built_environment_is_not_an_environment(store):
    store.root.mkdir(parents=True)
    half = store.root / f"{key(3)}.tmp-999999999-abcdef"
    (half / "python").mkdir(parents=True)

    assert not store.exists(key(3))
    assert store.entries() == []


def test_half_built_environments_of_dead_engines_are_removed_and_live_ones_kept(store):
    store.root.mkdir(parents=True)
    dead = store.root / f"{key(4)}.tmp-999999999-abcdef"
    alive = store.root / f"{key(5)}.tmp-{os.getpid()}-abcdef"
    dead.mkdir()
    alive.mkdir()

    store.remove_stale()

    assert not dead.exists()
    assert alive.exists()


def test_last_use_is_recorded_but_at_most_once_a_minute(store):
    name = build(store, 6, size=KiB, used=1000.0)

    store.mark_used(name, now=5000.0)
    assert store.entries()[0].last_used == 5000.0
    store.mark_used(name, now=5030.0)
    assert store.entries()[0].last_used == 5000.0


def test_pruning_removes_the_least_recently_used_until_the_cap_is_met(store):
    now = time.time()
    oldest = build(store, 10, size=100 * KiB, used=now - 300)
    middle = build(store, 11, size=100 * KiB, used=now - 200)
    newest = build(store, 12, size=100 * KiB, used=now - 100)

    report = store.prune(250 * KiB)

    assert [entry.key for entry in report.removed] == [oldest]
    assert [entry.key for entry in store.entries()] == [middle, newest]
    assert report.freed_bytes >= 100 * KiB


def test_a_dry_run_reports_but_removes_nothing(store):
    now = time.time()
    oldest = build(store, 20, size=100 * KiB, used=now - 300)
    build(store, 21, size=100 * KiB, used=now - 200)

    report = store.prune(150 * KiB, dry_run=True)

    assert [entry.key for entry in report.removed] == [oldest]
    assert len(store.entries()) == 2


def test_an_environment_in_use_is_never_pruned(store):
    now = time.time()
    in_use = build(store, 30, size=100 * KiB, used=now - 300)
    idle = build(store, 31, size=100 * KiB, used=now - 200)
    lease = store.lock(in_use)
    assert lease.try_lock(exclusive=False)  # as a run holds it
    try:
        report = store.prune(50 * KiB)
    finally:
        lease.close()

    assert [entry.key for entry in report.busy] == [in_use]
    assert [entry.key for entry in report.removed] == [idle]
    assert store.exists(in_use)


def test_the_download_caches_are_emptied_when_environments_alone_do_not_fit(store):
    build(store, 40, size=10 * KiB)
    cache = store.caches / "python"
    cache.mkdir(parents=True)
    (cache / "wheel.bin").write_bytes(b"x" * 100 * KiB)

    report = store.prune(5 * KiB)

    assert report.caches_cleared == [cache]
    assert cache.is_dir() and not any(cache.iterdir())
    assert store.entries() == []
