"""A run's output: decoded, stored as sequenced chunks, and sent to its watchers.

Output is decoded per stream (a UTF-8 character split across chunks stays whole), stored
as sequenced chunks in small batches, and each batch is pushed to the execution's group.
The first batch after a quiet spell goes at once (the first line of a run shows without
delay); the rest wait a little to go together; the last goes with the run's end
(ending.py).
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import time
from collections.abc import Sequence

from sandboxes.ids import ExecutionId
from sandboxes.models import OutputChunk
from sandboxes.network import network_failure_in
from sandboxes.runs.database import on_run_threads
from sandboxes.runs.events import Chunk, execution_event_send, output_event

FLUSH_SECONDS = 0.02
# The program's two, the installer's lines while preparing, and what its owner typed.
STREAMS = ("stdout", "stderr", "install", "stdin")
FLUSH_BYTES = 64 * 1024
# PostgreSQL text cannot hold NUL: stored (and sent) as U+FFFD, as undecodable bytes are.
NUL, REPLACEMENT = "\x00", "\ufffd"


logger = logging.getLogger(__name__)


def output_store(execution_id: ExecutionId, chunks: Sequence[Chunk]) -> int:
    """Store the chunks (no statement for none); their size in bytes."""
    if not chunks:
        return 0
    OutputChunk.objects.bulk_create(
        OutputChunk(execution_id=execution_id, seq=seq, stream=stream, data=data)
        for seq, stream, data in chunks
    )
    return sum(len(data.encode()) for _, _, data in chunks)


def output_bytes_stored(execution_id: ExecutionId) -> int:
    """What the run's stored chunks hold, in bytes (for an end that did not count them)."""
    chunks = OutputChunk.objects.filter(execution_id=execution_id)
    return sum(len(data.encode()) for data in chunks.values_list("data", flat=True))


class OutputStream:
    """Collects (stream, bytes) from the engine into stored, broadcast (seq, stream, text)."""

    def __init__(self, execution_id: ExecutionId) -> None:
        self.execution_id = execution_id
        self.seq = 0
        self.pending: list[Chunk] = []
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
        self.stored_bytes = 0  # what the batches stored so far hold (the run's end adds it up)
        self.closed = False

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
        """Add at once (its place in the sequence is now), stored and sent just after;
        nothing once closed (the run's end holds its last output)."""
        if self.closed:
            return
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
            if batch := self.take():
                await self._store_and_send(batch)

    def take(self) -> list[Chunk]:
        batch, self.pending, self.pending_bytes = self.pending, [], 0
        return batch

    async def _store_and_send(self, batch: list[Chunk]) -> None:
        self.stored_bytes += await on_run_threads(output_store)(self.execution_id, batch)
        await execution_event_send(self.execution_id, output_event(batch))

    async def close(self) -> list[Chunk]:
        """Stop flushing; what is left, to be stored with the run's end."""
        self.closed = True
        if self.flusher is not None:
            self.flusher.cancel()
            self.flusher = None
        async with self.lock:  # a flush under way is stored and sent before the rest
            for stream, decoder in self.decoders.items():
                self._add(stream, decoder.decode(b"", final=True))
            return self.take()
