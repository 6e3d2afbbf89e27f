"""One execution from queued to its end: the bridge between the database and the engine.

Output is decoded per stream (a UTF-8 character split across chunks stays whole), stored
as sequenced chunks in small batches, and each batch is pushed to the execution's group.
"""

from __future__ import annotations

import asyncio
import codecs

from channels.db import database_sync_to_async

from sandboxes.engine import CancelToken, EngineError, Limits, RunSpec
from sandboxes.engine_config import default_limits, get_engine
from sandboxes.events import execution_event_send
from sandboxes.models import Execution
from sandboxes.services.executions import (
    execution_finish,
    execution_output_append,
    execution_transition,
    snapshot_files,
)

FLUSH_SECONDS = 0.02
FLUSH_BYTES = 64 * 1024


class OutputStream:
    """Collects (stream, bytes) from the engine into stored, broadcast (seq, stream, text)."""

    def __init__(self, execution_id) -> None:
        self.execution_id = execution_id
        self.seq = 0
        self.pending: list[tuple[int, str, str]] = []
        self.pending_bytes = 0
        self.decoders = {
            stream: codecs.getincrementaldecoder("utf-8")(errors="replace")
            for stream in ("stdout", "stderr")
        }
        self.lock = asyncio.Lock()
        self.flusher: asyncio.Task | None = None

    async def write(self, stream: str, data: bytes) -> None:
        self._add(stream, self.decoders[stream].decode(data))
        if self.pending_bytes >= FLUSH_BYTES:
            await self.flush()
        elif self.flusher is None:
            self.flusher = asyncio.create_task(self._flush_soon())

    def _add(self, stream: str, text: str) -> None:
        if text:
            self.seq += 1
            self.pending.append((self.seq, stream, text))
            self.pending_bytes += len(text)

    async def _flush_soon(self) -> None:
        await asyncio.sleep(FLUSH_SECONDS)
        self.flusher = None
        await self.flush()

    async def flush(self) -> None:
        async with self.lock:
            batch, self.pending, self.pending_bytes = self.pending, [], 0
            if not batch:
                return
            await database_sync_to_async(execution_output_append)(
                execution_id=self.execution_id, chunks=batch
            )
            await execution_event_send(
                self.execution_id, {"event": "output", "chunks": [list(c) for c in batch]}
            )

    async def close(self) -> None:
        if self.flusher is not None:
            self.flusher.cancel()
            self.flusher = None
        for stream, decoder in self.decoders.items():
            self._add(stream, decoder.decode(b"", final=True))
        await self.flush()


def _load(execution_id, disk_bytes_by_tier: bool = True) -> tuple[RunSpec, Execution] | None:
    execution = Execution.objects.select_related("owner__quota__tier").get(pk=execution_id)
    if not execution.is_active:
        return None
    snapshot = execution.snapshot
    limits = default_limits()
    tier = execution.owner.quota.tier
    limits = Limits(
        **{
            **limits.__dict__,
            "timeout_seconds": execution.timeout_seconds,
            "cpu_seconds": execution.timeout_seconds,
            "disk_bytes": tier.storage_bytes,
        }
    )
    spec = RunSpec(
        runtime=execution.runtime,
        files=snapshot_files(snapshot),
        entry=snapshot["entry"],
        limits=limits,
        packages=tuple(snapshot.get("packages", ())),
    )
    return spec, execution


async def _status(execution_id, status: str, **fields) -> bool:
    moved = await database_sync_to_async(execution_transition)(
        execution_id=execution_id, status=status, **fields
    )
    if moved:
        await execution_event_send(execution_id, {"event": "status", "status": status})
    return moved


async def _finish(execution_id, **fields) -> None:
    execution = await database_sync_to_async(execution_finish)(execution_id=execution_id, **fields)
    await execution_event_send(execution_id, exit_event(execution))


def exit_event(execution: Execution) -> dict:
    return {
        "event": "exit",
        "status": execution.status,
        "exit_code": execution.exit_code,
        "duration_ms": execution.wall_ms,
        "error": execution.error,
        "output_truncated": execution.output_truncated,
    }


async def execution_run(execution_id, *, env: dict[str, str], cancel: CancelToken, worker: str):
    """Run one queued execution to its end state. Never raises for the run's own failures."""
    loaded = await database_sync_to_async(_load)(execution_id)
    if loaded is None:
        return
    spec, execution = loaded
    spec = RunSpec(**{**spec.__dict__, "env": env})
    if cancel.cancelled or execution.cancel_requested:
        await _finish(execution_id, status=Execution.Status.CANCELLED)
        return
    await _status(execution_id, Execution.Status.PREPARING, worker=worker)
    output = OutputStream(execution_id)
    try:
        # Packages are installed while the run is "preparing" (at once when cached);
        # a failed install ends it here, with the installer's words on its stderr.
        failed = await get_engine().prepare_packages(spec, on_output=output.write, cancel=cancel)
        if failed is not None:
            await output.close()
            await _finish(execution_id, status=failed.status.value, result=failed)
            return
        if not await _status(execution_id, Execution.Status.RUNNING):
            await output.close()
            return
        result = await get_engine().run(spec, on_output=output.write, cancel=cancel)
    except EngineError as error:
        await output.close()
        await _finish(execution_id, status=Execution.Status.ERROR, error=str(error))
        return
    except BaseException:
        await asyncio.shield(output.close())
        await asyncio.shield(
            _finish(execution_id, status=Execution.Status.LOST, error="The server stopped.")
        )
        raise
    await output.close()
    await _finish(execution_id, status=result.status.value, result=result)
