"""One execution from queued to its end: the bridge between the database and the engine.

Output is decoded per stream (a UTF-8 character split across chunks stays whole), stored
as sequenced chunks in small batches, and each batch is pushed to the execution's group.
The first batch after a quiet spell goes at once (the first line of a run shows without
delay); the rest wait a little to go together; the last goes with the run's end.

A run costs few round trips to the database: one read, one write for "preparing" and
"running" (together when there is nothing to prepare), one per output batch, one for the
end. They run on a few threads of their own, so runs do not queue behind one another (or
behind asgiref's single thread for sync code), and do not open a connection per call: on
SQLite each thread keeps its own (one that went bad is replaced), on PostgreSQL they come
from the pool.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import SyncToAsync
from django.db import close_old_connections, connections

from sandboxes.engine import CancelToken, EngineError, InputStream, RunSpec
from sandboxes.engine_config import get_engine
from sandboxes.events import execution_event_send
from sandboxes.models import Execution
from sandboxes.network import engine_policy, network_failure_in
from sandboxes.resources import engine_limits, resources_for_run
from sandboxes.services.executions import (
    execution_finish,
    execution_output_append,
    execution_transition,
)
from sandboxes.services.stored_files import execution_input_files
from sandboxes.stdin_relay import StdinRelay

FLUSH_SECONDS = 0.02
# The program's two, the installer's lines while preparing, and what its owner typed.
STREAMS = ("stdout", "stderr", "install", "stdin")
FLUSH_BYTES = 64 * 1024
DATABASE_THREADS = 4
# PostgreSQL text cannot hold NUL: stored (and sent) as U+FFFD, as undecodable bytes are.
NUL, REPLACEMENT = "\x00", "\ufffd"

logger = logging.getLogger(__name__)

_database_threads = ThreadPoolExecutor(DATABASE_THREADS, thread_name_prefix="pipeline-db")


class _PipelineDatabase(SyncToAsync):
    def thread_handler(self, loop, *args, **kwargs):
        close_old_connections()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            # SQLite: kept for this thread's next call unless it went bad (a request's
            # thread ends with it, so requests must not keep theirs). PostgreSQL: back to
            # the pool, as for requests.
            for connection in connections.all(initialized_only=True):
                if connection.vendor == "sqlite":
                    connection.close_at = None
            close_old_connections()


def _db(function):
    """`function` run on the pipeline's database threads."""
    return _PipelineDatabase(function, thread_sensitive=False, executor=_database_threads)


class OutputStream:
    """Collects (stream, bytes) from the engine into stored, broadcast (seq, stream, text)."""

    def __init__(self, execution_id) -> None:
        self.execution_id = execution_id
        self.seq = 0
        self.pending: list[tuple[int, str, str]] = []
        self.pending_bytes = 0
        self.decoders = {
            stream: codecs.getincrementaldecoder("utf-8")(errors="replace") for stream in STREAMS
        }
        self.lock = asyncio.Lock()
        self.flusher: asyncio.Task | None = None
        self.flushed_at = 0.0
        # Whether the program said a name did not resolve (for its network hint).
        self.network_failure_seen = False
        self.failure: Exception | None = None  # a batch that could not be stored

    async def write(self, stream: str, data: bytes) -> None:
        if self.failure is not None:
            raise self.failure  # the engine stops the run: its output is no longer kept
        self._add(stream, self.decoders[stream].decode(data))
        quiet = time.monotonic() - self.flushed_at >= FLUSH_SECONDS
        if self.pending_bytes >= FLUSH_BYTES or (quiet and self.flusher is None):
            await self.flush()
        elif self.flusher is None:
            self.flusher = asyncio.create_task(self._flush_soon())

    def record(self, stream: str, data: bytes) -> None:
        """Add at once (its place in the sequence is now), stored and sent just after."""
        self._add(stream, self.decoders[stream].decode(data))
        if self.flusher is None:
            self.flusher = asyncio.create_task(self._flush_soon(0, paces=False))

    def _add(self, stream: str, text: str) -> None:
        if text:
            if stream in ("stdout", "stderr") and not self.network_failure_seen:
                self.network_failure_seen = network_failure_in(text)
            self.seq += 1
            self.pending.append((self.seq, stream, text.replace(NUL, REPLACEMENT)))
            self.pending_bytes += len(text)

    async def _flush_soon(self, delay: float = FLUSH_SECONDS, *, paces: bool = True) -> None:
        await asyncio.sleep(delay)
        self.flusher = None
        try:
            await self.flush(paces=paces)
        except Exception as error:  # nobody awaits this task: the next write raises it
            logger.exception("output of execution %s could not be stored", self.execution_id)
            self.failure = error

    async def flush(self, *, paces: bool = True) -> None:
        """Store and send what is pending. A flush that `paces` makes the program's next
        output wait FLUSH_SECONDS (a burst goes in batches); a typed line's does not, so
        the program's answer to it is not held back."""
        async with self.lock:
            if paces:
                self.flushed_at = time.monotonic()
            batch = self.take()
            if batch:
                await _db(execution_output_append)(execution_id=self.execution_id, chunks=batch)
                await self.send(batch)

    def take(self) -> list[tuple[int, str, str]]:
        batch, self.pending, self.pending_bytes = self.pending, [], 0
        return batch

    async def send(self, batch: list[tuple[int, str, str]]) -> None:
        if batch:
            await execution_event_send(
                self.execution_id, {"event": "output", "chunks": [list(c) for c in batch]}
            )

    async def drain(self) -> None:
        """Close, storing what is left on its own (the run was ended elsewhere)."""
        rest = await self.close()
        if rest:
            await _db(execution_output_append)(execution_id=self.execution_id, chunks=rest)
            await self.send(rest)

    async def close(self) -> list[tuple[int, str, str]]:
        """Stop flushing; what is left, to be stored with the run's end."""
        if self.flusher is not None:
            self.flusher.cancel()
            self.flusher = None
        async with self.lock:  # a flush under way is stored and sent before the rest
            for stream, decoder in self.decoders.items():
                self._add(stream, decoder.decode(b"", final=True))
            return self.take()


def _load(execution_id) -> tuple[RunSpec, Execution] | None:
    execution = Execution.objects.select_related("owner__quota__tier").get(pk=execution_id)
    if not execution.is_active:
        return None
    snapshot = execution.snapshot
    # Recorded when the run started; a run queued before runs had resources gets its tier's.
    resources = snapshot.get("resources") or resources_for_run(tier=execution.owner.quota.limits)
    limits = engine_limits(resources, timeout_seconds=execution.timeout_seconds)
    spec = RunSpec(
        runtime=execution.runtime,
        files=execution_input_files(execution),
        entry=snapshot["entry"],
        argv=tuple(snapshot.get("args", ())),
        stdin=snapshot.get("stdin", "").encode(),
        limits=limits,
        packages=tuple(snapshot.get("packages", ())),
        network=engine_policy(snapshot.get("network")),
    )
    return spec, execution


class _Progress:
    """The run's timeline as its own task holds it, moved on one UPDATE at a time."""

    def __init__(self, execution: Execution) -> None:
        self.execution_id = execution.pk
        self.timeline = execution.timeline

    async def advance(self, *statuses: str, **fields) -> bool:
        """False if the run ended meanwhile (cancelled before it started, say)."""
        timeline = await _db(execution_transition)(
            execution_id=self.execution_id, timeline=self.timeline, statuses=statuses, **fields
        )
        if timeline is None:
            return False
        self.timeline = timeline
        # One event for the status the run is in now: a watcher that wants the steps in
        # between reads them from the timeline.
        await execution_event_send(self.execution_id, {"event": "status", "status": statuses[-1]})
        return True


async def _finish(execution_id, output: OutputStream | None = None, **fields) -> None:
    """End the run with the last of its output; clients get that output, then the end.

    If that cannot be stored (its produced files, say), the run still ends, in error, with
    the rest of its output if that can be stored, else with what was stored before."""
    rest = await output.close() if output is not None else []
    if output is not None:
        fields["network_failure_seen"] = output.network_failure_seen
    failed = {
        "status": Execution.Status.ERROR,
        "error": STORE_FAILED,
        "wall_seconds": _wall_seconds(fields),
        "install_seconds": fields.get("install_seconds", 0.0),
    }
    attempts = [(rest, fields), (rest, failed), ([], failed)]
    for attempt, (chunks, how) in enumerate(attempts, start=1):
        try:
            execution = await _db(execution_finish)(execution_id=execution_id, output=chunks, **how)
            break
        except Exception:
            if attempt == len(attempts):
                raise
            logger.exception("execution %s could not be ended as %s", execution_id, how["status"])
    if output is not None:
        await output.send(chunks)
    await execution_event_send(execution_id, exit_event(execution))


STORE_FAILED = (
    "The run ended, but its results could not be stored; what was stored before is kept "
    "and the details are logged."
)


def _wall_seconds(fields: dict) -> float:
    result = fields.get("result")
    return result.wall_seconds if result is not None else fields.get("wall_seconds", 0.0)


def exit_event(execution: Execution) -> dict:
    return {
        "event": "exit",
        "status": execution.status,
        "exit_code": execution.exit_code,
        "duration_ms": execution.wall_ms,
        "error": execution.error,
        "output_truncated": execution.output_truncated,
        "files_skipped": execution.files_skipped_message(),
    }


async def execution_run(execution_id, *, env: dict[str, str], cancel: CancelToken, worker: str):
    """Run one queued execution to its end state. Never raises for the run's own failures."""
    loaded = await _db(_load)(execution_id)
    if loaded is None:
        return
    spec, execution = loaded
    spec = RunSpec(**{**spec.__dict__, "env": env})
    if cancel.cancelled or execution.cancel_requested:
        await _finish(execution_id, status=Execution.Status.CANCELLED)
        return
    output = OutputStream(execution_id)
    if execution.snapshot.get("interactive"):
        # Listening before the run is "preparing": its owner may type from then on.
        async with StdinRelay(execution_id, output) as relay:
            await _run(execution, spec, output, cancel, worker, relay.stream)
    else:
        await _run(execution, spec, output, cancel, worker, None)


async def _run(execution, spec, output, cancel, worker, stdin: InputStream | None) -> None:
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
                await output.drain()
                return
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
        await asyncio.shield(end(status=Execution.Status.LOST, error="The server stopped."))
        raise
    await end(status=result.status.value, result=result)


FAILED = "The service failed while running this; it has been logged."
PREPARING, RUNNING = Execution.Status.PREPARING, Execution.Status.RUNNING
