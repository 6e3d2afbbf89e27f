"""Launchers kept ready: one for each run the process may start at once (its dispatcher's
concurrency), so a burst of runs finds one each instead of starting them cold."""

from __future__ import annotations

import asyncio

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


def test_an_engine_keeps_as_many_launchers_ready_as_runs_may_start_at_once():
    engine = Engine(engine_config())
    engine.keep_ready(3)
    try:
        statuses, ready = asyncio.run(_burst(engine, 3))
    finally:
        engine.close()
    assert statuses == [Status.SUCCEEDED] * 3
    assert ready == 3


def test_the_default_is_one():
    engine = Engine(engine_config())
    try:
        statuses, ready = asyncio.run(_burst(engine, 2))
    finally:
        engine.close()
    assert statuses == [Status.SUCCEEDED] * 2
    assert ready == 1
