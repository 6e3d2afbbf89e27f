"""Live output of one execution over a websocket.

On connect the client says the last sequence number it saw (``?after=N``); the consumer
joins the execution's group and sends what the run's reader gives (sandboxes/runs/reader.py),
without gap or duplicate, as ``output`` ({"chunks": [[seq, stream, text], ...]}),
``status`` and ``exit`` messages: first the stored chunks after N, the status the run is
in and its end if it ended; then the run's messages as they come.

Messages from the client: {"action": "cancel"}, and for an interactive run
{"action": "stdin", "data": "a line\n", "eof": false} (answered only when refused). A
socket opened with ``?stdin=1`` holds the run's stdin: when it closes (the tab closed),
the program reads end-of-file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import ValidationError
from django.http import Http404

from config.numbers import ascii_int
from sandboxes.models import Execution
from sandboxes.runs.cancel import execution_cancel
from sandboxes.runs.events import end_event, execution_group, output_event
from sandboxes.runs.reader import Ended, Item, Output, RunReader, Status
from sandboxes.runs.stdin import StdinRefused, execution_stdin_write

# A socket that heard nothing from its run this long reads the database again (the run's
# last messages may have been dropped).
QUIET_SECONDS = 15.0


class ExecutionConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.execution_id = self.scope["url_route"]["kwargs"]["execution_id"]
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        self.reader = RunReader(self.execution_id, after=_after(query))
        self.sending = asyncio.Lock()  # one reading at a time, its messages sent in order
        self.heard = 0  # messages from the run's group so far
        self.holds_stdin = query.get("stdin") == ["1"]
        user = self.scope["user"]
        if not user.is_authenticated or not await self._may_watch(user):
            await self.close(code=4404)  # the same answer whether it exists or not
            return
        self.group = execution_group(self.execution_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._replay()
        self.quiet_watch = asyncio.create_task(self._read_when_quiet())

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "quiet_watch"):
            self.quiet_watch.cancel()
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            if self.holds_stdin:
                await self._write_stdin("", eof=True)

    async def receive_json(self, content, **kwargs) -> None:
        action = content.get("action") if isinstance(content, dict) else None
        if action == "cancel":
            cancelled = await self._cancel()
            await self.send_json({"event": "cancel", "accepted": cancelled})
        elif action == "stdin":
            data, eof = content.get("data", ""), content.get("eof", False)
            if not isinstance(data, str) or not isinstance(eof, bool):
                error = "stdin takes a string `data` and a boolean `eof`."
            else:
                error = await self._write_stdin(data, eof=eof)
            if error:
                await self.send_json({"event": "stdin", "accepted": False, "error": error})

    async def _write_stdin(self, data: str, *, eof: bool) -> str:
        """Hand it to the run; the reason in words if it was refused, else ""."""
        try:
            await execution_stdin_write(
                user=self.scope["user"], execution_id=self.execution_id, data=data, eof=eof
            )
        except StdinRefused as refused:
            return refused.message
        except ValidationError as invalid:
            return invalid.messages[0]
        except Http404:
            return "No such run."
        return ""

    async def execution_event(self, message: dict) -> None:
        self.heard += 1
        await self._send(self.reader.live(message))

    async def _read_when_quiet(self) -> None:
        """A timer, not a timeout on a receive: Channels receives this socket's messages
        together with every other socket's of the process, and a receive cancelled at a
        timeout could drop one of theirs."""
        while not self.reader.ended:
            heard = self.heard
            await asyncio.sleep(QUIET_SECONDS)
            if self.heard == heard:
                await self._send(self.reader.catch_up())

    async def _replay(self) -> None:
        """The output stored after N, then the status the run is in (the statuses it went
        through are past), then its end."""
        now: list[Item] = []
        async with self.sending:
            async for item in self.reader.catch_up():
                if isinstance(item, Output):
                    await self.send_json(_message(item))
                else:
                    now.append(item)
            if now:
                ended = now[-1] if isinstance(now[-1], Ended) else None
                status = ended.execution.status if ended else self.reader.status
                await self.send_json({"event": "status", "status": status})
                if ended:
                    await self.send_json(_message(ended))

    async def _send(self, items: AsyncIterator[Item]) -> None:
        async with self.sending:
            async for item in items:
                await self.send_json(_message(item))

    @database_sync_to_async
    def _may_watch(self, user) -> bool:
        # The owner's alone, as the run's page is: staff read runs in the admin, which
        # checks their permissions (is_staff by itself grants none).
        executions = Execution.objects.filter(pk=self.execution_id, owner=user)
        try:
            return executions.exists()
        except (ValueError, ValidationError):  # a malformed id is a missing execution
            return False

    @database_sync_to_async
    def _cancel(self) -> bool:
        execution = Execution.objects.get(pk=self.execution_id, owner=self.scope["user"])
        return execution_cancel(execution=execution)


def _message(item: Item) -> dict:
    match item:
        case Status(status=status):
            return {"event": "status", "status": status}
        case Output(chunks=chunks):
            return output_event(chunks)
        case Ended(execution=execution):
            return end_event(execution)


def _after(query: dict[str, list[str]]) -> int:
    return ascii_int(query.get("after", ["0"])[0]) or 0
