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

The run is read as every watcher reads it (sandboxes/runs/reader.py): replayed from the
database after the cursor, then live, re-read when a live message shows something was
missed; this module turns what it reads into event ids and events.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass

from channels.db import database_sync_to_async

from api.representations import execution_end_fields, final_event_type
from sandboxes.ids import ExecutionId
from sandboxes.models import Execution, OutputChunk
from sandboxes.runs.reader import PREPARING_STREAMS, Ended, Item, Output, Quiet, Status, follow

# A quiet stream sends a comment this often (proxies close idle connections) and
# re-reads the database meanwhile.
HEARTBEAT_SECONDS = 15.0
PREPARING = Execution.Status.PREPARING
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


def _cursor_facts(execution_id: ExecutionId, seq: int) -> tuple[list[str], bool, str | None]:
    """The run's timeline, whether it ended, and the stream of chunk `seq` (if any)."""
    execution = Execution.objects.only("timeline", "status").get(pk=execution_id)
    chunks = OutputChunk.objects.filter(execution_id=execution_id, seq=seq)
    stream = chunks.values_list("stream", flat=True).first() if seq else None
    return [status for status, _at in execution.timeline], not execution.is_active, stream


class ExecutionFeed:
    """`remaining()` checks the cursor, `events()` streams what comes after it."""

    def __init__(self, execution_id: ExecutionId, cursor: Cursor = Cursor()) -> None:
        self.execution_id = execution_id
        self.cursor = cursor
        self.seq = cursor.seq
        # How many of the timeline's statuses the client has seen: resolved against it.
        self.statuses_seen: int | None = 0 if cursor == Cursor() else None
        self.done = False

    # --- resuming -----------------------------------------------------------------------

    async def remaining(self) -> bool:
        """Check the cursor against the run (InvalidCursor if it cannot be one of its ids);
        False when the client has already seen the end."""
        if self.statuses_seen is None:
            facts = await database_sync_to_async(_cursor_facts)(self.execution_id, self.seq)
            self._resolve(*facts)
        return not self.done

    def _resolve(self, statuses: list[str], ended: bool, stream: str | None) -> None:
        before_output = statuses[:-1] if ended else statuses
        status = self.cursor.status
        if status is None:
            # A chunk id: every status before it has been seen (up to "preparing" for a
            # chunk of the preparing step; before the output, for the program's).
            self.statuses_seen = len(before_output) if self.seq else 0
            if stream in PREPARING_STREAMS and PREPARING in before_output:
                self.statuses_seen = before_output.index(PREPARING) + 1
        elif ended and status == statuses[-1]:
            self.statuses_seen, self.done = len(statuses), True
        elif status in before_output:
            self.statuses_seen = before_output.index(status) + 1
        else:
            raise InvalidCursor(f"This run has no event {status!r} to resume after.")

    # --- streaming ----------------------------------------------------------------------

    async def events(self) -> AsyncGenerator[Event]:
        """Every event after the cursor, up to and including the final one; HEARTBEAT
        when nothing happened for a while."""
        if not await self.remaining():
            return
        items = follow(
            self.execution_id,
            after=self.seq,
            statuses_given=self.statuses_seen or 0,
            quiet_seconds=HEARTBEAT_SECONDS,
        )
        async with aclosing(items):
            async for item in items:
                for event in self._events_of(item):
                    yield event

    def _events_of(self, item: Item | Quiet) -> list[Event]:
        match item:
            case Status(status=status):
                return [Event(id=f"{self.seq}-{status}", data={"type": "status", "status": status})]
            case Output(chunks=chunks):
                self.seq = chunks[-1][0]
                return [
                    Event(id=str(seq), data={"type": stream, "data": data})
                    for seq, stream, data in chunks
                ]
            case Ended(execution=execution):
                self.done = True
                status = execution.status
                end = {"type": final_event_type(status), **execution_end_fields(execution)}
                return [Event(id=f"{self.seq}-{status}", data=end)]
        return [HEARTBEAT]
