"""A sandbox worker process (`manage.py sandbox_worker`): a Procrastinate worker on the
sandboxes queue, running each execution with this host's engine (its own runtimes, package
cache and cgroups, from this process's settings).

- Up to `concurrency` runs at once; a heartbeat in PostgreSQL every
  SANDBOX_WORKER_HEARTBEAT_SECONDS; the stalled-worker watch (stalls.py) beside it.
- Cancel: Procrastinate aborts the job (the asyncio task is cancelled); this turns that
  into the engine's cancel, so the sandbox stops and the run ends as `cancelled`.
- SIGTERM or SIGINT: no new jobs; runs in flight get `shutdown_seconds` to finish, then
  are stopped and end as `lost` (never handed back to the queue: a run starts at most once).
"""

from __future__ import annotations

import asyncio

from django.conf import settings
from procrastinate.contrib.django import app

from sandboxes.engine_config import get_engine
from sandboxes.runs.dispatch.jobs import QUEUE
from sandboxes.runs.dispatch.stalls import stalled_runs_watch


def worker_run(*, name: str, concurrency: int, shutdown_seconds: float) -> None:
    """Take and run executions until SIGTERM / SIGINT (then stop gracefully)."""
    asyncio.run(_serve(name=name, concurrency=concurrency, shutdown_seconds=shutdown_seconds))


async def _serve(*, name: str, concurrency: int, shutdown_seconds: float) -> None:
    heartbeat = settings.SANDBOX_WORKER_HEARTBEAT_SECONDS
    get_engine().keep_ready(concurrency)
    # The web side defers through Django's own connection; a worker needs a pool that can
    # also LISTEN (new jobs and abort requests arrive at once instead of by polling).
    with app.replace_connector(app.connector.get_worker_connector()):
        async with app.open_async():
            # A side task of the worker process (its metrics endpoint, if asked for, is
            # started by the command: sandbox_worker --metrics-port).
            watch = asyncio.create_task(stalled_runs_watch(heartbeat), name="stalled runs")
            try:
                await app.run_worker_async(
                    queues=[QUEUE],
                    name=name,
                    concurrency=concurrency,
                    shutdown_graceful_timeout=shutdown_seconds,
                    update_heartbeat_interval=heartbeat,
                    stalled_worker_timeout=settings.SANDBOX_WORKER_STALL_SECONDS,
                    # Missed notifications are caught up by polling this often.
                    fetch_job_polling_interval=heartbeat,
                    abort_job_polling_interval=heartbeat,
                    # The execution row is the record; finished jobs only fill the table.
                    delete_jobs="always",
                )
            finally:
                watch.cancel()
                await get_engine().aclose()
