"""Finding runs whose worker died: Procrastinate's worker heartbeats.

Every worker records a heartbeat in PostgreSQL each SANDBOX_WORKER_HEARTBEAT_SECONDS. A
started job whose worker has not done so for SANDBOX_WORKER_STALL_SECONDS (or whose
worker row is gone) belongs to a dead worker: its execution becomes `lost` (charged up to
that last heartbeat, its quota slot freed, its watchers told) and the job is removed, never
re-queued. Every worker and every web process looks each heartbeat interval; whoever
looks first ends the run, the others find nothing left to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import DateTimeField, ExpressionWrapper, Q
from django.db.models.functions import Now
from procrastinate import exceptions, jobs
from procrastinate.contrib.django import app

from sandboxes.models import Execution
from sandboxes.runs.database import on_run_threads
from sandboxes.runs.dispatch.jobs import QUEUE, job_rows
from sandboxes.runs.ending import execution_end

logger = logging.getLogger(__name__)


def lost_reason(stall_seconds: float) -> str:
    return (
        f"The worker running this stopped answering (no heartbeat for {stall_seconds:g} s): "
        "the run was lost with it. What it printed until then is kept; it was not run again."
    )


def _stalled_jobs(stall_seconds: float) -> list[tuple[int, str, object]]:
    # The database's clock, which also stamped the heartbeats: hosts' clocks may differ.
    cutoff = ExpressionWrapper(
        Now() - timedelta(seconds=stall_seconds), output_field=DateTimeField()
    )
    jobs = (
        job_rows()
        .filter(queue_name=QUEUE, status="doing")
        .filter(Q(worker__isnull=True) | Q(worker__last_heartbeat__lt=cutoff))
    )
    return [
        (job_id, args.get("execution_id"), heartbeat)
        for job_id, args, heartbeat in jobs.values_list("id", "args", "worker__last_heartbeat")
    ]


async def stalled_runs_end(stall_seconds: float | None = None) -> int:
    """End the runs of dead workers; returns how many this call ended."""
    if stall_seconds is None:
        stall_seconds = settings.SANDBOX_WORKER_STALL_SECONDS
    ended = 0
    for job_id, execution_id, heartbeat in await on_run_threads(_stalled_jobs)(stall_seconds):
        try:
            # Charged for the time it was seen running: up to its worker's last heartbeat.
            if await on_run_threads(execution_end)(
                execution_id,
                status=Execution.Status.LOST,
                error=lost_reason(stall_seconds),
                seen_until=heartbeat,
            ):
                ended += 1
                logger.warning("execution %s lost with its worker", execution_id)
            await _job_remove(job_id)
        except Exception:  # one bad row must not keep the others from ending
            logger.exception("could not end the run of job %s of a dead worker", job_id)
    # Dead workers' rows go too (their jobs are handled above, so nothing is orphaned).
    await app.job_manager.prune_stalled_workers(stall_seconds)
    return ended


async def _job_remove(job_id: int) -> None:
    """Abort the job, then delete it. Abort first: a worker that was only slow, not dead,
    hears it and stops the sandbox instead of running on for a run that has ended."""
    with contextlib.suppress(exceptions.ConnectorException):  # another watcher was first
        await app.job_manager.cancel_job_by_id_async(job_id, abort=True)
        await app.job_manager.finish_job_by_id_async(
            job_id=job_id, status=jobs.Status.FAILED, delete_job=True
        )


async def stalled_runs_watch(interval: float | None = None) -> None:
    """Look for dead workers' runs every `interval` seconds, for as long as the process
    lives (a failed look is logged and tried again)."""
    if interval is None:
        interval = settings.SANDBOX_WORKER_HEARTBEAT_SECONDS
    while True:
        try:
            await stalled_runs_end()
        except Exception:
            logger.exception("looking for runs of dead workers failed")
        await asyncio.sleep(interval)
