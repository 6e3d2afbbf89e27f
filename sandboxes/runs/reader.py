"""A run as its watchers read it: what was stored after a point, then what happens live.

Both watchers, a browser's websocket (sandboxes/consumers.py) and an API client's event
stream (api/feed.py), read a run one way (`RunReader`):

- the watcher joins the run's group ``execution.<id>`` before anything is read, so
  nothing sent after a read is missed;
- what was stored after the last sequence number it was given is replayed in batches of
  REPLAY_BATCH, with the run's statuses at their places, then the end;
- live output follows on, and chunks at or below the last one given are skipped: no gap
  and no duplicate.

The group is only the fast path (channels-redis drops messages for a full channel, and
says nothing): the database is read again when a live message shows that something was
missed (a gap in the sequence; output that comes after a status not given yet) or says
that the status changed or the run ended, and after a quiet spell.

A run's statuses and output interleave in one way only: the installer's lines
(``install`` chunks) come between "preparing" and "running"; the program's output (and
``stdin``, what its owner typed) after "running"; the end after the last chunk.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from sandboxes.ids import ExecutionId
from sandboxes.models import Execution, OutputChunk
from sandboxes.runs.events import Chunk, execution_group

REPLAY_BATCH = 500
# How often a caller waiting only for the end reads the database if no event arrives.
WAIT_POLL_SECONDS = 5.0
# How soon to read again when the row lagged behind the chunks read after it.
REREAD_SECONDS = 0.02
PREPARING, RUNNING = Execution.Status.PREPARING, Execution.Status.RUNNING
# Chunks of the preparing step (before "running"): the installer's lines. (What an owner
# types while a run prepares is sent on once it runs, as the program's output is.)
PREPARING_STREAMS = frozenset({"install"})


@dataclass(frozen=True)
class Status:
    status: str


@dataclass(frozen=True)
class Output:
    chunks: list[Chunk]


@dataclass(frozen=True)
class Ended:
    execution: Execution  # the ended run's row, as read (without its snapshot)


@dataclass(frozen=True)
class Quiet:
    """Nothing happened for a while (the database was read again all the same)."""


Item = Status | Output | Ended
QUIET = Quiet()


@dataclass(frozen=True)
class _Stored:
    statuses: list[str]  # the timeline, in order
    chunks: list[Chunk]
    more_chunks: bool  # the batch was full
    ended: Execution | None


def _read(execution_id: ExecutionId, after_seq: int) -> _Stored:
    # The row first: if it says the run ended, every chunk was stored before it did.
    execution = Execution.objects.defer("snapshot").get(pk=execution_id)
    rows = OutputChunk.objects.filter(execution_id=execution_id, seq__gt=after_seq)
    chunks = list(rows.order_by("seq").values_list("seq", "stream", "data")[: REPLAY_BATCH + 1])
    return _Stored(
        statuses=[status for status, _at in execution.timeline],
        chunks=chunks[:REPLAY_BATCH],
        more_chunks=len(chunks) > REPLAY_BATCH,
        ended=None if execution.is_active else execution,
    )


def _ended(execution_id: ExecutionId) -> bool:
    return not Execution.objects.filter(pk=execution_id, status__in=Execution.ACTIVE).exists()


class RunReader:
    """What one watcher has been given of a run, and the rest of it, in order.

    The watcher joins the run's group first, then takes `catch_up()` (the database), then
    hands each group message to `live()`, one at a time; `catch_up()` again after a quiet
    spell. `after`: the last chunk the watcher has; `statuses_given`: how many of the
    timeline's statuses it has."""

    def __init__(
        self, execution_id: ExecutionId, *, after: int = 0, statuses_given: int = 0
    ) -> None:
        self.execution_id = execution_id
        self.seq = after
        self.statuses_given = statuses_given
        self.status: str | None = None  # the last status given, once the timeline is read
        self.ended = False

    async def catch_up(self) -> AsyncIterator[Item]:
        """Everything stored after what was given, read from the database."""
        while not self.ended:
            stored = await database_sync_to_async(_read)(self.execution_id, self.seq)
            before_output = stored.statuses[:-1] if stored.ended else stored.statuses
            if self.status is None and self.statuses_given:
                self.status = stored.statuses[self.statuses_given - 1]
            items, lagged = self._place(stored.chunks, before_output, ended=stored.ended)
            for item in items:
                yield item
            if lagged:
                # The program's output, read before the row said "running": the next read
                # has both, in order.
                await asyncio.sleep(REREAD_SECONDS)
            elif not stored.more_chunks:
                for item in self._statuses_until(before_output, len(before_output)):
                    yield item
                if stored.ended is not None:
                    self.ended = True
                    yield Ended(stored.ended)
                return

    async def live(self, message: dict) -> AsyncIterator[Item]:
        """What a message of the run's group adds; what the database says instead when
        the message shows that something was missed, or says the status changed or the
        run ended."""
        if self.ended:
            return
        event = message.get("event")
        if event == "output":
            chunks = [tuple(chunk) for chunk in message["chunks"] if chunk[0] > self.seq]
            if not chunks:
                return
            if chunks[0][0] == self.seq + 1 and all(self._fits(stream) for _, stream, _ in chunks):
                self.seq = chunks[-1][0]
                yield Output(chunks)
                return
        elif event == "status" and message.get("status") == self.status:
            return  # given already: it was read before this message arrived
        async for item in self.catch_up():
            yield item

    def _place(
        self, chunks: list[Chunk], statuses: list[str], *, ended: Execution | None
    ) -> tuple[list[Item], bool]:
        """The chunks read, each after the status that made it; True if one came before
        its status was in the row (read before the chunks, it lagged behind them)."""
        items: list[Item] = []
        batch: list[Chunk] = []
        for chunk in chunks:
            stream = chunk[1]
            if not self._fits(stream):
                items.extend(self._batch(batch))
                batch = []
                while not self._fits(stream) and self.statuses_given < len(statuses):
                    items.extend(self._statuses_until(statuses, self.statuses_given + 1))
                if not self._fits(stream) and ended is None:
                    return items, True
            batch.append(chunk)
        items.extend(self._batch(batch))
        return items, False

    def _fits(self, stream: str) -> bool:
        """Whether the status given last is one that makes chunks of `stream`."""
        return self.status == RUNNING or (self.status == PREPARING and stream in PREPARING_STREAMS)

    def _batch(self, chunks: list[Chunk]) -> list[Item]:
        if not chunks:
            return []
        self.seq = chunks[-1][0]
        return [Output(chunks)]

    def _statuses_until(self, statuses: list[str], end: int) -> list[Item]:
        """statuses[statuses_given:end] (none if given already)."""
        given = statuses[self.statuses_given : end]
        if given:
            self.statuses_given, self.status = end, given[-1]
        return [Status(status) for status in given]


class _Listener:
    """The run's group on a channel of this watcher's own, for watchers that pull its
    messages with a timeout (`follow`, `wait_for_end`).

    A general channel, not one of the process's "!" channels: channels_redis receives all
    of those in one shared pop, so a receive cancelled at its timeout could drop a message
    popped for another socket of the process. A general channel's receive is its own: a
    timeout costs at most this watcher's message, and the read that follows a timeout
    finds it in the database."""

    def __init__(self, execution_id: ExecutionId) -> None:
        self.group = execution_group(execution_id)
        self.channel = f"{self.group}.watcher.{uuid.uuid4().hex}"
        self.layer = get_channel_layer()

    async def __aenter__(self) -> _Listener:
        await self.layer.group_add(self.group, self.channel)
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.layer.group_discard(self.group, self.channel)

    async def receive(self, timeout: float) -> dict | None:
        try:
            return await asyncio.wait_for(self.layer.receive(self.channel), timeout)
        except TimeoutError:
            return None


async def follow(
    execution_id, *, after: int = 0, statuses_given: int = 0, quiet_seconds: float
) -> AsyncGenerator[Item | Quiet]:
    """A run's items after the watcher's point, up to and including its end, for a
    watcher that pulls them (the API's event stream); QUIET after `quiet_seconds` without
    a message."""
    reader = RunReader(execution_id, after=after, statuses_given=statuses_given)
    async with _Listener(execution_id) as listener:
        async for item in reader.catch_up():
            yield item
        while not reader.ended:
            message = await listener.receive(quiet_seconds)
            if message is None:
                yield QUIET
            items = reader.catch_up() if message is None else reader.live(message)
            async for item in items:
                yield item


async def wait_for_end(execution_id: ExecutionId) -> None:
    """Return once the run has ended (for callers that want only the result).

    The database says so first (the run may have ended before the group was joined), then
    the exit event does (sent once the end is stored); a quiet spell reads the database
    again, in case the event was dropped."""
    async with _Listener(execution_id) as listener:
        while not await database_sync_to_async(_ended)(execution_id):
            while (message := await listener.receive(WAIT_POLL_SECONDS)) is not None:
                if message.get("event") == "exit":
                    return
