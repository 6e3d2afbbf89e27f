"""Launchers kept ready: one for each run the process may start at once (its dispatcher's
concurrency), so a burst of runs finds one each instead of starting them cold."""

from __future__ import annotations

import asyncio

import pytest

from sandboxes.engine import Engine, RunSpec, Status
from sandboxes.engine_config import engine_config

HELLO = RunSpec(runtime="python", files={"main.py": b"print('hi')"}, entry="main.py")


async def _burst(engine: Engine, runs: int) -> tuple[list[Status], int]:
    results = await asyncio.gather(*(engine.run(HELLO) for _ in range(runs)))
    pool = engine.bubblewrap.launchers
    await asyncio.gather(*pool.ready)  # the refills started after the runs
    ready = sum(1 for task in pool.ready if task.result().process.returncode is None)
    await pool.aclose()
    return [result.status for result in results], ready


@pytest.mark.parametrize(
    ("runs_at_once", "burst", "ready"),
    [(3, 3, 3), (None, 2, 1)],  # None: never told, one launcher
    ids=["told-three", "default-one"],
)
def test_an_engine_keeps_a_launcher_ready_for_each_run_that_may_start_at_once(
    runs_at_once, burst, ready
):
    engine = Engine(engine_config())
    if runs_at_once is not None:
        engine.keep_ready(runs_at_once)
    try:
        statuses, kept = asyncio.run(_burst(engine, burst))
    finally:
        engine.close()
    assert statuses == [Status.SUCCEEDED] * burst
    assert kept == ready
