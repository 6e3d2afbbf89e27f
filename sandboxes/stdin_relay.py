"""An interactive run's standard input, from its owner to the program.

What the owner types (in the console, or posted to the API) is sent to the channel
``execution.<id>.stdin``; the task running the execution (in the web server, or in a
worker on another host) listens there from before the run is "preparing", records each
piece in the run's output as stream "stdin" (replays show it where the program got it),
then hands it to the program. The echo is recorded before the program can answer it, and
stored in the background, so a typed line costs the program no database round trip.
"""

from __future__ import annotations

import asyncio
import contextlib

from channels.layers import get_channel_layer

from sandboxes.engine import InputStream
from sandboxes.events import execution_stdin_channel
from sandboxes.limits import MAX_STDIN_BYTES


class StdinRelay:
    """Use as ``async with StdinRelay(id, output) as relay``; pass ``relay.stream`` to the
    engine. Past MAX_STDIN_BYTES typed in one run, stdin is closed."""

    def __init__(self, execution_id, output) -> None:
        self.execution_id = execution_id
        self.output = output  # the pipeline's OutputStream
        self.stream = InputStream()
        self.layer = get_channel_layer()
        self.channel = execution_stdin_channel(execution_id)
        self.task: asyncio.Task | None = None
        self.left = MAX_STDIN_BYTES

    async def __aenter__(self) -> StdinRelay:
        if self.layer is None:  # no channel layer: nobody can type; EOF at once
            self.stream.close()
            return self
        self.task = asyncio.create_task(self._relay())
        return self

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
