"""Live output of one execution over a websocket.

On connect the client says the last sequence number it saw (``?after=N``). The consumer
joins the execution's group first, then replays the stored chunks after N, then relays
live batches, skipping anything at or below the last sequence number it sent: no gap and
no duplicate. Messages from the client: {"action": "cancel"}, and for an interactive run
{"action": "stdin", "data": "a line\n", "eof": false} (answered only when refused). A
socket opened with ``?stdin=1`` holds the run's stdin: when it closes (the tab closed),
the program reads end-of-file.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.http import Http404

from config.numbers import ascii_int
from sandboxes.models import Execution, OutputChunk
from sandboxes.runs.cancel import execution_cancel
from sandboxes.runs.events import end_event, execution_group
from sandboxes.runs.stdin import StdinRefused, execution_stdin_write

REPLAY_BATCH = 500


class ExecutionConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.execution_id = self.scope["url_route"]["kwargs"]["execution_id"]
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        self.last_seq = _after(query)
        self.holds_stdin = query.get("stdin") == ["1"]
        user = self.scope["user"]
        if not user.is_authenticated or not await self._may_watch(user):
            await self.close(code=4404)  # the same answer whether it exists or not
            return
        self.group = execution_group(self.execution_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._replay()

    async def disconnect(self, code: int) -> None:
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
        event = {key: value for key, value in message.items() if key != "type"}
        if event["event"] == "output":
            chunks = [chunk for chunk in event["chunks"] if chunk[0] > self.last_seq]
            if not chunks:
                return
            self.last_seq = chunks[-1][0]
            event["chunks"] = chunks
        await self.send_json(event)

    async def _replay(self) -> None:
        while chunks := await self._stored_chunks(self.last_seq):
            self.last_seq = chunks[-1][0]
            await self.send_json({"event": "output", "chunks": chunks})
        state = await self._state()
        await self.send_json({"event": "status", "status": state["status"]})
        if state["exit"] is not None:
            await self.send_json(state["exit"])

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
    def _stored_chunks(self, after: int) -> list[list]:
        close_old_connections()
        rows = OutputChunk.objects.filter(execution_id=self.execution_id, seq__gt=after)
        return [list(row) for row in rows.values_list("seq", "stream", "data")[:REPLAY_BATCH]]

    @database_sync_to_async
    def _state(self) -> dict:
        execution = Execution.objects.get(pk=self.execution_id)
        return {
            "status": execution.status,
            "exit": None if execution.is_active else end_event(execution),
        }

    @database_sync_to_async
    def _cancel(self) -> bool:
        execution = Execution.objects.get(pk=self.execution_id, owner=self.scope["user"])
        return execution_cancel(execution=execution)


def _after(query: dict[str, list[str]]) -> int:
    return ascii_int(query.get("after", ["0"])[0]) or 0
