"""The one Procrastinate task: run an execution (the distributed dispatcher's job).

An abort by the user cancels the run through the engine and waits for it to end; an abort
by the worker's shutdown (past its grace period) stops it as lost: a run is never handed
back to the queue, it starts at most once.
"""

from __future__ import annotations

import asyncio
import logging

from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.job_context import AbortReason, JobContext

from sandboxes.engine import CancelToken
from sandboxes.ids import ExecutionId
from sandboxes.models import Execution
from sandboxes.runs.database import on_run_threads
from sandboxes.runs.ending import execution_end
from sandboxes.runs.pipeline import STOPPED, execution_end_in_error, execution_run
from sandboxes.secrets import SealBroken, env_open

QUEUE = "sandboxes"

logger = logging.getLogger(__name__)


def job_lock(execution_id: ExecutionId) -> str:
    return f"execution:{execution_id}"


def job_rows() -> QuerySet:
    """Procrastinate's job rows. Its app is installed only with PostgreSQL: the model is
    looked up when used, so that the dispatch modules import on any database."""
    job = apps.get_model("procrastinate", "ProcrastinateJob")  # type: ignore[misc, unused-ignore]  # installed with PostgreSQL only
    return job.objects.all()


# retry=False (the default, said aloud): a run starts at most once, whatever happens.
@app.task(name="sandboxes.execution", queue=QUEUE, pass_context=True, retry=False)
async def execution_job(context: JobContext, *, execution_id: ExecutionId, env: str) -> None:
    token = CancelToken()
    run = asyncio.ensure_future(_run(execution_id, env, token, context.worker_name or ""))
    alive = asyncio.create_task(_worker_heartbeat(context.job.worker_id))
    try:
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
    finally:
        alive.cancel()


async def _worker_heartbeat(worker_id: int | None) -> None:
    """Keep the worker's heartbeat while this run goes. Procrastinate stops beating first
    when its worker is asked to stop, then gives running jobs their grace period: without
    this, the other workers would find the runs it is still finishing dead after
    SANDBOX_WORKER_STALL_SECONDS, and end them as lost (charged up to the last beat)."""
    if worker_id is None:
        return
    while True:
        await asyncio.sleep(settings.SANDBOX_WORKER_HEARTBEAT_SECONDS)
        try:
            await app.job_manager.update_heartbeat(worker_id)
        except Exception:  # the database is away: tried again at the next beat
            logger.exception("could not update the heartbeat of worker %s", worker_id)


async def _run(execution_id: ExecutionId, sealed_env: str, token: CancelToken, worker: str) -> None:
    try:
        env = env_open(sealed_env, execution_id=execution_id)
    except SealBroken as error:
        logger.error("execution %s: %s", execution_id, error)
        await execution_end_in_error(execution_id)
        return
    try:
        await execution_run(execution_id, env=env, cancel=token, worker=worker)
    except asyncio.CancelledError:
        # The pipeline ends a run it was inside of; this ends one stopped before that.
        # This worker saw it running until now: charged for that.
        await on_run_threads(execution_end)(
            execution_id,
            status=Execution.Status.LOST,
            error=STOPPED,
            seen_until=timezone.now(),
        )
        raise
