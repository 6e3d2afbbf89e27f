"""The distributed dispatcher: each execution is one Procrastinate job in PostgreSQL, taken
by a `manage.py sandbox_worker` process on any host (worker.py).

- submit defers the job on the connection that is recording the run, inside its
  transaction: the job exists exactly when the execution does. The job never retries and
  its lock is the execution's id, so a run starts at most once; a run whose worker dies is
  marked lost (stalls.py), never run again.
- cancel deletes a job nobody has taken yet (the caller then ends the run), or asks
  Procrastinate to abort a started one: its worker hears it at once (LISTEN/NOTIFY) and
  stops the sandbox.
- bind starts the stalled-worker watch in the web server's loop too, so a dead worker is
  found even when it was the only one.
- Variable values (secrets) travel sealed in the job's arguments (sandboxes/secrets.py).
"""

from __future__ import annotations

import asyncio
import threading
from contextvars import Context

from procrastinate.contrib.django import app

from sandboxes.ids import ExecutionId
from sandboxes.runs.dispatch.jobs import execution_job, job_lock, job_rows
from sandboxes.runs.dispatch.stalls import stalled_runs_watch
from sandboxes.runs.pipeline import Queued
from sandboxes.secrets import env_seal


class DistributedDispatcher:
    holder = ""  # a queued run is nobody's until a worker takes it

    def __init__(self) -> None:
        self._watch: asyncio.Task | None = None
        self._lock = threading.Lock()
        self._bound = False

    def submit(self, queued: Queued, *, env: dict[str, str]) -> None:
        execution_id = queued.execution.pk
        lock = job_lock(execution_id)
        execution_job.configure(lock=lock, queueing_lock=lock).defer(
            execution_id=str(execution_id), env=env_seal(env, execution_id=execution_id)
        )

    def cancel(self, execution_id: ExecutionId) -> bool:
        job_id = (
            job_rows()
            .filter(lock=job_lock(execution_id), status__in=("todo", "doing"))
            .values_list("id", flat=True)
            .first()
        )
        if job_id is None:
            return False
        if app.job_manager.cancel_job_by_id(job_id, delete_job=True):
            return False  # not started, and now never will: the caller ends the run
        return app.job_manager.cancel_job_by_id(job_id, abort=True)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            if self._bound:
                return
            self._bound = True
        loop.call_soon_threadsafe(self._start_watch)

    def _start_watch(self) -> None:
        # A fresh context: the watch belongs to the server, not to the first request.
        self._watch = asyncio.get_running_loop().create_task(
            stalled_runs_watch(), context=Context()
        )
