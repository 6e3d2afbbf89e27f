"""An interactive run's standard input, from its owner to the program.

What the owner types (in the console, or posted to the API) is sent to the channel
``execution.<id>.stdin`` (`execution_stdin_write`); the task running the execution (in
the web server, or in a worker on another host) listens there once the run is "running"
(`StdinRelay`; what was typed while it prepared waits in the channel until then), records
each piece in the run's output as stream "stdin"
(replays show it where the program got it), then hands it to the program. The echo is
recorded before the program can answer it, and stored in the background, so a typed line
costs the program no database round trip.
"""

from __future__ import annotations

import asyncio
import contextlib

from asgiref.sync import sync_to_async
from channels.exceptions import ChannelFull
from channels.layers import get_channel_layer
from django.http import Http404

from sandboxes.engine import InputStream
from sandboxes.ids import ExecutionId
from sandboxes.limits import MAX_STDIN_BYTES, MAX_STDIN_WRITE_BYTES, validate_stdin
from sandboxes.models import Execution
from sandboxes.runs.events import execution_stdin_channel


class StdinRefused(Exception):
    """The run's stdin cannot take this write now (a 409: the run, not the request)."""

    def __init__(self, message: str, *, status: str) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def execution_stdin_check(*, user, execution_id: ExecutionId) -> str:
    """The run's status if its owner `user` may write to its stdin now; else Http404
    (not theirs, or no such run) or StdinRefused (not interactive, not started, ended)."""
    row = (
        Execution.objects.filter(pk=execution_id, owner=user)
        .values_list("status", "snapshot__interactive")
        .first()
    )
    if row is None:
        raise Http404("No such run.")
    status, interactive = row
    if status not in Execution.ACTIVE:
        label = Execution.Status(status).label
        raise StdinRefused(f"This run has already ended ({label}).", status=status)
    if not interactive:
        raise StdinRefused(
            "This run's standard input is closed: start the run with `interactive` to "
            "write to it while it goes.",
            status=status,
        )
    if status == Execution.Status.QUEUED:
        raise StdinRefused(
            "This run has not started yet: write once it is preparing or running.",
            status=status,
        )
    return status


async def execution_stdin_write(
    *, user, execution_id: ExecutionId, data: str = "", eof: bool = False
) -> str:
    """Send `data` (then end-of-file, if `eof`) to the program; the run's status.

    Raises ValidationError (`data` too long), Http404 or StdinRefused (see the check)."""
    validate_stdin(data, field="data", limit=MAX_STDIN_WRITE_BYTES)
    status = await sync_to_async(execution_stdin_check)(user=user, execution_id=execution_id)
    if data or eof:
        message = {"type": "stdin.write", "data": data, "eof": eof}
        try:
            await get_channel_layer().send(execution_stdin_channel(execution_id), message)
        except ChannelFull:  # the run's task has stopped taking input
            raise StdinRefused(
                "This run is not reading its input now; try again in a moment.", status=status
            ) from None
    return status


class StdinRelay:
    """Use as ``async with StdinRelay(id, output) as relay``, call ``relay.start()`` once
    the run is "running" and pass ``relay.stream`` to the engine. What its owner typed
    before waits in the channel until then, so typed input always comes after "running"
    in the run's output. Past MAX_STDIN_BYTES typed in one run, stdin is closed."""

    def __init__(self, execution_id: ExecutionId, output) -> None:
        self.execution_id = execution_id
        self.output = output  # the pipeline's OutputStream
        self.stream = InputStream()
        self.layer = get_channel_layer()
        self.channel = execution_stdin_channel(execution_id)
        self.task: asyncio.Task | None = None
        self.left = MAX_STDIN_BYTES

    async def __aenter__(self) -> StdinRelay:
        return self

    def start(self) -> None:
        self.task = asyncio.create_task(self._relay())

    async def __aexit__(self, *exc_info) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def _relay(self) -> None:
        while not self.stream.closed:
            message = await self.layer.receive(self.channel)
            self.deliver(message.get("data") or "", eof=bool(message.get("eof")))

    def deliver(self, text: str, *, eof: bool) -> None:
        data = text.encode(errors="replace")
        if len(data) > self.left:
            data, eof = data[: self.left], True
        if data:
            self.left -= len(data)
            self.output.record("stdin", data)
            self.stream.write(data)
        if eof:
            self.stream.close()
