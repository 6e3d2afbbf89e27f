"""The one Procrastinate task: run an execution (the distributed dispatcher's job)."""

from __future__ import annotations

from procrastinate.contrib.django import app
from procrastinate.job_context import JobContext

from sandboxes.dispatch.distributed import QUEUE


# retry=False (the default, said aloud): a run starts at most once, whatever happens.
@app.task(name="sandboxes.execution", queue=QUEUE, pass_context=True, retry=False)
async def execution_job(context: JobContext, *, execution_id: str, env: str) -> None:
    from sandboxes.dispatch.worker import execution_job_run

    await execution_job_run(context, execution_id=execution_id, sealed_env=env)
