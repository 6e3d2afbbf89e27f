"""`manage.py prune_package_cache`: least recently used environments go until the cap is met."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.management import CommandError, call_command

from sandboxes.engine.packages.store import Store

KiB = 1024


@pytest.fixture
def store(tmp_path, settings) -> Store:
    settings.SANDBOX_PACKAGES_DIR = str(tmp_path / "packages")
    return Store(tmp_path / "packages")


def environment(store: Store, n: int, name: str, *, size: int, age: float) -> str:
    key = f"{n:064x}"
    store.root.mkdir(parents=True, exist_ok=True)
    folder = store.temporary(key)
    (folder / "python").mkdir(parents=True)
    (folder / "python" / "blob.bin").write_bytes(b"x" * size)
    store.commit(key, folder, {"runtime": "python3.13", "packages": [name]})
    used = time.time() - age
    os.utime(store.path(key) / "last-used", (used, used))
    return key


def prune(*args: str) -> str:
    out = io.StringIO()
    call_command("prune_package_cache", *args, stdout=out)
    return out.getvalue()


def test_it_removes_the_least_recently_used_until_the_cache_fits(store):
    environment(store, 1, "pandas", size=100 * KiB, age=300)
    environment(store, 2, "requests", size=100 * KiB, age=200)
    environment(store, 3, "numpy", size=100 * KiB, age=100)

    printed = prune("--max-size", "150K")

    assert [entry.description for entry in store.entries()] == ["python3.13: numpy"]
    removed = [line for line in printed.splitlines() if line.startswith("Removed ")]
    assert "pandas" in removed[0] and "requests" in removed[1]
    assert "Removed 2 environment(s)" in printed


def test_a_dry_run_prints_what_would_go_and_removes_nothing(store):
    environment(store, 1, "pandas", size=100 * KiB, age=300)
    environment(store, 2, "requests", size=100 * KiB, age=200)

    printed = prune("--max-size", "150K", "--dry-run")

    would = [line for line in printed.splitlines() if line.startswith("Would remove ")]
    assert len(would) == 2  # one environment, then the summary
    assert "pandas" in would[0]
    assert len(store.entries()) == 2


def test_nothing_goes_when_the_cache_fits(store):
    environment(store, 1, "pandas", size=10 * KiB, age=300)

    printed = prune("--max-size", "1G")

    assert "Removed 0 environment(s)" in printed
    assert len(store.entries()) == 1


def test_without_a_size_it_uses_the_configured_cap(store, settings):
    settings.SANDBOX_PACKAGES_MAX_MB = 0
    environment(store, 1, "pandas", size=10 * KiB, age=300)

    prune()

    assert store.entries() == []


def test_a_size_that_is_not_one_is_a_command_error(store):
    with pytest.raises(CommandError, match="--max-size: 'lots' is not a size"):
        prune("--max-size", "lots")
