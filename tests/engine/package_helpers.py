"""Helpers for the package tests: runs with packages, and engines with a cache of their own."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sandboxes.engine import Engine, Limits, RunResult, RunSpec
from sandboxes.engine.runtimes import entry_file
from sandboxes.engine_config import engine_config


@dataclass
class Outcome:
    result: RunResult
    chunks: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def stdout(self) -> str:
        return b"".join(d for s, d in self.chunks if s == "stdout").decode(errors="replace")

    @property
    def stderr(self) -> str:
        return b"".join(d for s, d in self.chunks if s == "stderr").decode(errors="replace")

    @property
    def status(self) -> str:
        return self.result.status.value


def package_spec(
    code: str,
    packages: tuple[str, ...] = (),
    *,
    runtime: str = "python",
    entry: str | None = None,
    isolation: str = "bwrap",
    timeout: float = 60,
    memory_mb: int = 512,
) -> RunSpec:
    entry = entry or entry_file(runtime)
    return RunSpec(
        runtime=runtime,
        files={entry: code.encode()},
        entry=entry,
        packages=packages,
        isolation=isolation,
        limits=Limits(timeout_seconds=timeout, cpu_seconds=timeout, memory_bytes=memory_mb << 20),
    )


def run_with(engine: Engine, code: str, packages: tuple[str, ...] = (), **options) -> Outcome:
    chunks: list[tuple[str, bytes]] = []
    spec = package_spec(code, packages, **options)
    result = engine.run_sync(spec, on_output=lambda stream, data: chunks.append((stream, data)))
    return Outcome(result, chunks)


@contextmanager
def fresh_engine(**changes) -> Iterator[Engine]:
    """An engine whose package cache (environments and download caches) starts empty.

    It lives in the scratch folder, which the sandbox user can reach (pytest's tmp_path is
    closed to it)."""
    config = engine_config()
    packages_dir = config.scratch_dir / f"test-packages-{os.getpid()}-{os.urandom(4).hex()}"
    engine = Engine(dataclasses.replace(config, packages_dir=packages_dir, **changes))
    try:
        engine.prepare()
        yield engine
    finally:
        engine.close()
        shutil.rmtree(packages_dir, ignore_errors=True)
