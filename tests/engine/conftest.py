"""Fixtures for engine tests: a real engine (bubblewrap or gVisor, cgroups), no database.

Every test that uses `run` runs on both backends (the `isolation` fixture); a test marks
what differs on gVisor with `on_both_backends(gvisor=...)` from attacks.py. In a module
that sets `ATTACKS_WITH_NETWORK = True` (the attack tests), each bubblewrap case runs twice:
without network and with `internet` (reaching only the test hosts of harness/nethosts.py);
gVisor runs have no network.
"""

from __future__ import annotations

import pytest

from sandboxes.engine import CancelToken, Engine, EngineUnavailable, Limits, RunSpec
from sandboxes.engine.runtimes import entry_file
from sandboxes.engine_config import engine_config

from .attacks import backends
from .netrun import INTERNET, network_engine
from .package_helpers import Outcome


def pytest_generate_tests(metafunc):
    if "run" in metafunc.fixturenames and getattr(metafunc.module, "ATTACKS_WITH_NETWORK", False):
        metafunc.parametrize("run_network", ["none", "internet"], indirect=True)


def pytest_collection_modifyitems(config, items):
    """gVisor runs have no network: their `internet` cases are not collected."""
    kept, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        both = params.get("isolation") == "gvisor" and params.get("run_network") == "internet"
        (dropped if both else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def run_network(request) -> str:
    """The network of a test's runs: "none", or "internet" for the attack tests' second pass."""
    return getattr(request, "param", "none")


@pytest.fixture(scope="session")
def internet_engine(network_hosts) -> Engine:
    """An engine whose runs with network reach the test hosts (and their DNS) only."""
    return network_engine(network_hosts)


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
def run(request, engine, isolation, run_network):
    """run(code, runtime="python", files=None, **limits) -> Outcome (stdout, stderr, result).

    Runs on the test's `isolation` unless the call names another, with `run_network`.
    `stop_once_printed`: cancel the run as soon as its output holds this text (a state to
    wait for, where a short time limit would be a guess a loaded machine can miss).
    """
    default_isolation = isolation
    if run_network == "internet":
        engine = request.getfixturevalue("internet_engine")

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
        stop_once_printed: str | None = None,
        **limits,
    ) -> Outcome:
        entry = entry or entry_file(runtime)
        isolation = isolation or default_isolation
        network = INTERNET if run_network == "internet" and isolation == "bwrap" else "none"
        source = code.encode() if isinstance(code, str) else code
        outcome_chunks: list[tuple[str, bytes]] = []
        spec = RunSpec(
            runtime=runtime,
            files={entry: source, **(files or {})},
            entry=entry,
            stdin=stdin,
            env=env or {},
            argv=argv,
            isolation=isolation,
            network=network,
            limits=Limits(**{"timeout_seconds": 10, **limits}),
        )
        cancel = CancelToken()

        def on_output(stream: str, data: bytes) -> None:
            outcome_chunks.append((stream, data))
            printed = b"".join(d for _, d in outcome_chunks).decode(errors="replace")
            if stop_once_printed is not None and stop_once_printed in printed:
                cancel.cancel()

        result = engine.run_sync(spec, on_output=on_output, cancel=cancel)
        return Outcome(result=result, chunks=outcome_chunks)

    run.network = run_network
    return run
