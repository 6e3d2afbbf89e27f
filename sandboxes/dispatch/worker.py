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
import logging
import os
import socket

from django.conf import settings
from django.utils import timezone
from procrastinate.job_context import AbortReason, JobContext

from sandboxes.dispatch.distributed import QUEUE
from sandboxes.dispatch.endings import end_as_lost, end_in_error
from sandboxes.dispatch.secrets import SealBroken, env_open
from sandboxes.engine import CancelToken

logger = logging.getLogger(__name__)


def default_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_run(*, name: str, concurrency: int, shutdown_seconds: float) -> None:
    """Take and run executions until SIGTERM / SIGINT (then stop gracefully)."""
    asyncio.run(_serve(name=name, concurrency=concurrency, shutdown_seconds=shutdown_seconds))


async def _serve(*, name: str, concurrency: int, shutdown_seconds: float) -> None:
    from procrastinate.contrib.django import app

    from sandboxes.dispatch.stalls import stalled_runs_watch
    from sandboxes.engine_config import get_engine

    heartbeat = settings.SANDBOX_WORKER_HEARTBEAT_SECONDS
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


async def execution_job_run(context: JobContext, *, execution_id: str, sealed_env: str) -> None:
    """The job's body. An abort by the user cancels the run through the engine and waits
    for it to end; an abort by shutdown (past its grace period) stops it as lost."""
    token = CancelToken()
    run = asyncio.ensure_future(_run(execution_id, sealed_env, token, context.worker_name or ""))
    while True:
        try:
            return await asyncio.shield(run)
        except asyncio.CancelledError:
            if run.done():
                raise
            if context.abort_reason() is AbortReason.USER_REQUEST:
                token.cancel()  # the sandbox stops; the run ends as cancelled
                continue
            run.cancel()  # the worker is shutting down and the grace period is over
            await asyncio.gather(run, return_exceptions=True)
            raise


async def _run(execution_id: str, sealed_env: str, token: CancelToken, worker: str) -> None:
    from sandboxes.pipeline import execution_run

    try:
        env = env_open(sealed_env, execution_id=execution_id)
        await execution_run(execution_id, env=env, cancel=token, worker=worker)
    except asyncio.CancelledError:
        # The pipeline ends a run it was inside of; this ends one stopped before that.
        # This worker saw it running until now: charged for that.
        await end_as_lost(
            execution_id,
            reason="The worker stopped before this run could finish.",
            seen_until=timezone.now(),
        )
        raise
    except SealBroken as error:
        logger.error("execution %s: %s", execution_id, error)
        await end_in_error(execution_id)
    except Exception:
        # A failure of ours (the database, say) must still end the run, or its owner
        # would wait on it forever.
        logger.exception("execution %s failed in the pipeline", execution_id)
        await end_in_error(execution_id)
