"""Fixtures for engine tests: a real engine (bubblewrap or gVisor, cgroups), no database.

Every test that uses `run` runs on both backends (the `isolation` fixture); a test marks
what differs on gVisor with `on_both_backends(gvisor=...)` from attacks.py.
"""

from __future__ import annotations

import pytest

from sandboxes.engine import Engine, EngineUnavailable, Limits, RunSpec
from sandboxes.engine_config import engine_config

from .attacks import ENTRY, backends
from .package_helpers import Outcome


@pytest.fixture(scope="session")
def engine() -> Engine:
    engine = Engine(engine_config())
    try:
        engine.prepare()
    except EngineUnavailable as error:
        pytest.fail(f"the sandbox engine is unavailable on this machine: {error}")
    return engine


@pytest.fixture(params=backends())
def isolation(request) -> str:
    """The backend a test's runs use: "bwrap" and "gvisor" (marked `gvisor`)."""
    return request.param


@pytest.fixture
def run(engine, isolation):
    """run(code, runtime="python", files=None, **limits) -> Outcome (stdout, stderr, result).

    Runs on the test's `isolation` unless the call names another.
    """
    default_isolation = isolation

    def run(
        code: str | bytes,
        runtime: str = "python",
        *,
        files: dict[str, bytes] | None = None,
        entry: str | None = None,
        stdin: bytes = b"",
        env: dict[str, str] | None = None,
        argv: tuple[str, ...] = (),
        isolation: str | None = None,
        **limits,
    ) -> Outcome:
        language = "python" if runtime.startswith("python") else "node"
        entry = entry or ENTRY[language]
        source = code.encode() if isinstance(code, str) else code
        outcome_chunks: list[tuple[str, bytes]] = []
        spec = RunSpec(
            runtime=runtime,
            files={entry: source, **(files or {})},
            entry=entry,
            stdin=stdin,
            env=env or {},
            argv=argv,
            isolation=isolation or default_isolation,
            limits=Limits(**{"timeout_seconds": 10, **limits}),
        )
        result = engine.run_sync(spec, on_output=lambda s, d: outcome_chunks.append((s, d)))
        return Outcome(result=result, chunks=outcome_chunks)

    return run
