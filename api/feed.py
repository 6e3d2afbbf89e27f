"""An execution's events as an API client sees them: stored ones replayed, then live ones.

Event ids, which a client sends back as ``Last-Event-ID`` to resume:

- an output chunk: its sequence number, ``"7"``;
- a status or the final event: ``"<seq>-<status>"``, where seq is the last chunk sent
  before it: ``"0-queued"``, ``"0-running"``, ``"7-succeeded"``.

A run's statuses interleave with its output in one way only: while it is preparing, the
installer's lines (``install`` chunks) come between "preparing" and "running"; the
program's output (and ``stdin``, what its owner typed) comes after "running"; the end after the
last chunk. So an id says exactly what the client has seen (a chunk of the preparing step
means "running" is still to come), and a resume sends exactly the rest. An id naming the
end means nothing is left.

The group ``execution.<id>`` is joined before anything is read from the database, and
live chunks at or below the last sequence number sent are skipped, so nothing is missed
or sent twice. The database is the truth: a status change, a gap in the live sequence or
a quiet spell makes the feed read it again (channels-redis drops messages silently when
a channel is full).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from api.representations import execution_end, final_event_type
from sandboxes.models import Execution, OutputChunk
from sandboxes.runs.events import execution_group

# A quiet stream sends a comment this often (proxies close idle connections) and
# re-reads the database meanwhile.
HEARTBEAT_SECONDS = 15.0
# How often a caller waiting for the end re-reads the database if no event arrives.
WAIT_POLL_SECONDS = 5.0
REPLAY_BATCH = 500
# How soon to read again when the row lagged behind the chunks read after it.
REREAD_SECONDS = 0.02
PREPARING, RUNNING = Execution.Status.PREPARING, Execution.Status.RUNNING
EVENT_ID = re.compile(r"^(\d{1,10})(?:-([a-z_]{1,16}))?$", re.ASCII)


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    """What the client has seen: chunks up to `seq`, and `status` if its id named one."""

    seq: int = 0
    status: str | None = None

    @classmethod
    def parse(cls, last_event_id: str | None) -> Cursor:
        if last_event_id is None or not last_event_id.strip():
            return cls()
        match = EVENT_ID.match(last_event_id.strip())
        if match is None:
            raise InvalidCursor(f"{last_event_id!r} is not an event id of this stream.")
        return cls(seq=int(match[1]), status=match[2])


@dataclass(frozen=True)
class Event:
    id: str | None
    data: dict | None  # None: a heartbeat (an SSE comment)


HEARTBEAT = Event(id=None, data=None)


# Chunks of the preparing step (before "running"): the installer's lines. (What an owner
# types while a run prepares is sent on once it runs, as the program's output is.)
PREPARING_STREAMS = frozenset({"install"})


@dataclass(frozen=True)
class _Stored:
    statuses: list[str]  # the timeline, in order
    chunks: list[tuple[int, str, str]]
    more_chunks: bool  # the batch was full
    end: dict | None  # execution_end() once it ended
    cursor_stream: str | None = None  # the stream of chunk `after_seq`, when asked


def _read(execution_id, after_seq: int, *, cursor_stream: bool = False) -> _Stored:
    # The row first: if it says the run ended, every chunk was stored before it did.
    execution = Execution.objects.defer("snapshot").get(pk=execution_id)
    rows = OutputChunk.objects.filter(execution_id=execution_id, seq__gt=after_seq)
    chunks = list(rows.order_by("seq").values_list("seq", "stream", "data")[: REPLAY_BATCH + 1])
    return _Stored(
        statuses=[status for status, _at in execution.timeline],
        chunks=chunks[:REPLAY_BATCH],
        more_chunks=len(chunks) > REPLAY_BATCH,
        end=None if execution.is_active else execution_end(execution),
        cursor_stream=(
            OutputChunk.objects.filter(execution_id=execution_id, seq=after_seq)
            .values_list("stream", flat=True)
            .first()
            if cursor_stream and after_seq
            else None
        ),
    )


def _ended(execution_id) -> bool:
    return not Execution.objects.filter(pk=execution_id, status__in=Execution.ACTIVE).exists()


class ExecutionFeed:
    """Use as ``async with ExecutionFeed(id, cursor) as feed`` (it joins the group)."""

    def __init__(self, execution_id, cursor: Cursor = Cursor()) -> None:
        self.execution_id = execution_id
        self.cursor = cursor
        self.seq = cursor.seq
        self.statuses_sent: int | None = None  # resolved against the timeline on first read
        self.last_status: str | None = cursor.status
        self.done = False
        self.layer = get_channel_layer()
        self.channel: str | None = None

    async def __aenter__(self) -> ExecutionFeed:
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(execution_group(self.execution_id), self.channel)
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.layer.group_discard(execution_group(self.execution_id), self.channel)

    # --- resuming -----------------------------------------------------------------------

    async def remaining(self) -> bool:
        """Check the cursor against the run (InvalidCursor if it cannot be one of its ids);
        False when the client has already seen the end. Needs no group: events() reads
        the database again once it has joined."""
        stored = await sync_to_async(_read)(self.execution_id, self.seq, cursor_stream=True)
        self._resolve(stored.statuses, ended=stored.end is not None, stream=stored.cursor_stream)
        return not self.done

    def _resolve(self, statuses: list[str], *, ended: bool, stream: str | None = None) -> None:
        if self.statuses_sent is not None:
            return
        before_output = statuses[:-1] if ended else statuses
        status = self.cursor.status
        if status is None:
            # A chunk id: every status before it has been seen (up to "preparing" for a
            # chunk of the preparing step; before the output, for the program's).
            self.statuses_sent = len(before_output) if self.seq else 0
            if stream in PREPARING_STREAMS and PREPARING in before_output:
                self.statuses_sent = before_output.index(PREPARING) + 1
            if self.seq and before_output:
                self.last_status = before_output[self.statuses_sent - 1]
        elif ended and status == statuses[-1]:
            self.statuses_sent, self.done = len(statuses), True
        elif status in before_output:
            self.statuses_sent = before_output.index(status) + 1
        else:
            raise InvalidCursor(f"This run has no event {status!r} to resume after.")

    # --- streaming ----------------------------------------------------------------------

    async def events(self) -> AsyncIterator[Event]:
        """Every event after the cursor, up to and including the final one; HEARTBEAT
        when nothing happened for a while."""
        while True:
            for event in await self._catch_up():
                yield event
            if self.done:
                return
            async for event in self._live():
                yield event

    async def _catch_up(self) -> list[Event]:
        """Everything stored after what was sent, read from the database."""
        events: list[Event] = []
        while not self.done:
            stored = await database_sync_to_async(_read)(
                self.execution_id, self.seq, cursor_stream=self.statuses_sent is None
            )
            self._resolve(
                stored.statuses, ended=stored.end is not None, stream=stored.cursor_stream
            )
            before_output = stored.statuses[:-1] if stored.end else stored.statuses
            # The statuses up to "preparing" come before the preparing step's chunks;
            # "running" (and any after) before the program's first chunk.
            preparing = before_output.index(PREPARING) + 1 if PREPARING in before_output else 0
            events.extend(self._statuses_until(before_output, preparing))
            truncated = False
            for seq, stream, data in stored.chunks:
                if stream not in PREPARING_STREAMS or self.statuses_sent > preparing:
                    if RUNNING not in before_output and stored.end is None:
                        # The program's output, read before the row said "running": the
                        # next read has both, in order.
                        truncated = True
                        break
                    events.extend(self._statuses_until(before_output, len(before_output)))
                events.append(self._output_event(seq, stream, data))
            if truncated:
                await asyncio.sleep(REREAD_SECONDS)
                continue
            if stored.more_chunks:
                continue
            events.extend(self._statuses_until(before_output, len(before_output)))
            if stored.end is not None:
                events.append(self._final_event(stored.end))
            return events
        return events

    async def _live(self) -> AsyncIterator[Event]:
        """Live chunks while they follow on from what was sent; returns when the database
        must be read (a status change, a gap, a quiet spell)."""
        while True:
            message = await self._receive(HEARTBEAT_SECONDS)
            if message is None:
                yield HEARTBEAT
                return
            if message.get("event") != "output":
                return
            chunks = [chunk for chunk in message["chunks"] if chunk[0] > self.seq]
            if not chunks:
                continue
            if chunks[0][0] != self.seq + 1 or not all(
                self.last_status == RUNNING
                or (self.last_status == PREPARING and stream in PREPARING_STREAMS)
                for _seq, stream, _data in chunks
            ):
                return  # something was missed, or a status comes first: the database has it
            for seq, stream, data in chunks:
                yield self._output_event(seq, stream, data)

    async def wait_for_end(self) -> None:
        """Return once the run has ended (for callers that want only the result).

        The database says so first (the run may have ended before the group was joined),
        then the exit event does (sent once the end is stored); a quiet spell re-reads the
        database in case the event was dropped."""
        while not await database_sync_to_async(_ended)(self.execution_id):
            while (message := await self._receive(WAIT_POLL_SECONDS)) is not None:
                if message.get("event") == "exit":
                    return

    async def _receive(self, timeout: float) -> dict | None:
        try:
            return await asyncio.wait_for(self.layer.receive(self.channel), timeout)
        except TimeoutError:
            return None

    # --- events -------------------------------------------------------------------------

    def _statuses_until(self, statuses: list[str], end: int) -> list[Event]:
        """Status events for statuses[statuses_sent:end] (none if already sent)."""
        events = [self._status_event(status) for status in statuses[self.statuses_sent : end]]
        self.statuses_sent = max(self.statuses_sent, end)
        return events

    def _status_event(self, status: str) -> Event:
        self.last_status = status
        return Event(id=f"{self.seq}-{status}", data={"type": "status", "status": status})

    def _output_event(self, seq: int, stream: str, data: str) -> Event:
        self.seq = seq
        return Event(id=str(seq), data={"type": stream, "data": data})

    def _final_event(self, end: dict) -> Event:
        self.done = True
        status = end["status"]
        return Event(id=f"{self.seq}-{status}", data={"type": final_event_type(status), **end})
