"""One execution from queued to its end: the bridge between the database and the engine.

A run costs few round trips to the database: one read (none for a run handed over in
memory by the inline dispatcher), one write for "preparing" and
"running" (together when there is nothing to prepare), one per output batch (output.py),
one for the end (ending.py), all on the run path's own threads (database.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from django.utils import timezone

from sandboxes.engine import CancelToken, EngineError, RunSpec
from sandboxes.engine_config import get_engine
from sandboxes.ids import ExecutionId
from sandboxes.models import Execution
from sandboxes.network import engine_policy
from sandboxes.resources import engine_limits, resources_for_run
from sandboxes.runs.database import on_run_threads
from sandboxes.runs.ending import execution_end
from sandboxes.runs.events import execution_event_send
from sandboxes.runs.output import OutputStream
from sandboxes.runs.stdin import StdinRelay
from sandboxes.runs.transitions import execution_transition
from sandboxes.services.stored_files import execution_input_files

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Queued:
    """A run as its start recorded it: the execution and the files it was given. The
    inline dispatcher hands it over in memory; a worker reads it from the database."""

    execution: Execution
    files: dict[str, bytes]


def _load(execution_id: ExecutionId) -> Queued | None:
    execution = Execution.objects.select_related("owner__quota__tier").get(pk=execution_id)
    if not execution.is_active:
        return None
    return Queued(execution, execution_input_files(execution))


def _spec(queued: Queued, env: dict[str, str]) -> RunSpec:
    execution = queued.execution
    snapshot = execution.snapshot
    # Recorded when the run started; a run queued before runs had resources gets its tier's.
    resources = snapshot.get("resources") or resources_for_run(tier=execution.owner.quota.limits)
    limits = engine_limits(resources, timeout_seconds=execution.timeout_seconds)
    return RunSpec(
        runtime=execution.runtime,
        files=queued.files,
        entry=snapshot["entry"],
        argv=tuple(snapshot.get("args", ())),
        stdin=snapshot.get("stdin", "").encode(),
        limits=limits,
        packages=tuple(snapshot.get("packages", ())),
        network=engine_policy(snapshot.get("network")),
        env=env,
    )


class _Progress:
    """The run's timeline as its own task holds it, moved on one UPDATE at a time."""

    def __init__(self, execution: Execution) -> None:
        self.execution_id = execution.pk
        self.timeline = execution.timeline

    async def advance(self, *statuses: str, worker: str | None = None) -> bool:
        """False if the run ended meanwhile (cancelled before it started, say)."""
        timeline = await on_run_threads(execution_transition)(
            execution_id=self.execution_id, timeline=self.timeline, statuses=statuses, worker=worker
        )
        if timeline is None:
            return False
        self.timeline = timeline
        # One event for the status the run is in now: a watcher that wants the steps in
        # between reads them from the timeline.
        await execution_event_send(self.execution_id, {"event": "status", "status": statuses[-1]})
        return True


async def _finish(execution_id: ExecutionId, output: OutputStream | None = None, **fields) -> None:
    """End the run with the last of its output (its watchers get that output, then the
    end: ending.py).

    If that cannot be stored (its produced files, say), the run still ends, in error, with
    the rest of its output if that can be stored, else with what was stored before."""
    rest = await output.close() if output is not None else []
    if output is not None:
        fields["network_failure_seen"] = output.network_failure_seen
        fields["output_bytes"] = output.stored_bytes
    failed = {
        "status": Execution.Status.ERROR,
        "error": STORE_FAILED,
        "wall_seconds": _wall_seconds(fields),
        "install_seconds": fields.get("install_seconds", 0.0),
        "output_bytes": fields.get("output_bytes"),
    }
    attempts = [(rest, fields), (rest, failed), ([], failed)]
    for attempt, (chunks, how) in enumerate(attempts, start=1):
        try:
            await on_run_threads(execution_end)(execution_id, output=chunks, **how)
            return
        except Exception:
            if attempt == len(attempts):
                raise
            logger.exception("execution %s could not be ended as %s", execution_id, how["status"])


STORE_FAILED = (
    "The run ended, but its results could not be stored; what was stored before is kept "
    "and the details are logged."
)


def _wall_seconds(fields: dict) -> float:
    result = fields.get("result")
    return result.wall_seconds if result is not None else fields.get("wall_seconds", 0.0)


async def execution_run(
    execution_id: ExecutionId,
    *,
    env: dict[str, str],
    cancel: CancelToken,
    worker: str,
    queued: Queued | None = None,
):
    """Run one queued execution to its end state (`queued`: as its start recorded it;
    None: read from the database). Never raises, except when its task is cancelled (the
    run then ends as lost): a failure of ours (the database, say) still ends the run in
    error, or its owner would wait on it forever."""
    try:
        await _execute(execution_id, env=env, cancel=cancel, worker=worker, queued=queued)
    except Exception:
        logger.exception("execution %s failed in the pipeline", execution_id)
        await execution_end_in_error(execution_id)


async def execution_end_in_error(execution_id: ExecutionId, error: str = "") -> None:
    """End it in error when its run could not (logged if even that fails)."""
    try:
        await on_run_threads(execution_end)(
            execution_id, status=Execution.Status.ERROR, error=error or FAILED
        )
    except Exception:
        logger.exception("execution %s could not be ended", execution_id)


async def _execute(
    execution_id: ExecutionId, *, env, cancel: CancelToken, worker: str, queued: Queued | None
):
    if queued is None and (queued := await on_run_threads(_load)(execution_id)) is None:
        return  # it ended before it started (cancelled while queued, say)
    execution, spec = queued.execution, _spec(queued, env)
    # (A run cancelled while it was queued: its UPDATE to "preparing" matches nothing.)
    if cancel.cancelled or execution.cancel_requested:
        await _finish(execution_id, status=Execution.Status.CANCELLED)
        return
    output = OutputStream(execution_id)
    if execution.snapshot.get("interactive"):
        async with StdinRelay(execution_id, output) as relay:
            await _run(execution, spec, output, cancel, worker, relay)
    else:
        await _run(execution, spec, output, cancel, worker, None)


async def _run(execution, spec, output, cancel, worker, relay: StdinRelay | None) -> None:
    execution_id = execution.pk
    engine = get_engine()
    progress = _Progress(execution)
    installed = 0.0  # seconds spent preparing packages: charged as compute, shown apart

    async def end(**fields) -> None:
        await _finish(execution_id, output, install_seconds=installed, **fields)

    try:
        if not await engine.needs_packages(spec):
            if not await progress.advance(PREPARING, RUNNING, worker=worker):
                return
        else:
            if not await progress.advance(PREPARING, worker=worker):
                return
            # Packages are installed while the run is "preparing" (at once when cached);
            # a failed install ends it here, with the installer's words on its stderr.
            began = time.monotonic()
            try:
                failed = await engine.prepare_packages(spec, on_output=output.write, cancel=cancel)
            finally:
                installed = time.monotonic() - began
            if failed is not None:
                await end(status=failed.status.value, result=failed)
                return
            await output.flush()  # the installer's lines come before "running"
            if not await progress.advance(RUNNING):
                await output.close()  # ended elsewhere, which stored its end: nothing after it
                return
        stdin = None
        if relay is not None:
            relay.start()  # what its owner typed while it prepared comes now, after "running"
            stdin = relay.stream
        result = await engine.run(spec, on_output=output.write, cancel=cancel, stdin=stdin)
    except EngineError as error:
        await end(status=Execution.Status.ERROR, error=str(error))
        return
    except Exception:
        # Ours, not the program's (the database, say): logged, and the run still ends.
        logger.exception("execution %s failed in the pipeline", execution_id)
        await end(status=Execution.Status.ERROR, error=FAILED)
        return
    except BaseException:
        # Its process is stopping (a worker past its grace period): charged for the time
        # it was seen running, as a dead worker's run is.
        stopped = {"error": STOPPED, "seen_until": timezone.now()}
        await asyncio.shield(end(status=Execution.Status.LOST, **stopped))
        raise
    await end(status=result.status.value, result=result)


FAILED = "The service failed while running this; it has been logged."
STOPPED = "The process running this stopped before it could finish."
PREPARING, RUNNING = Execution.Status.PREPARING, Execution.Status.RUNNING
