"""Writing to an interactive run's standard input (its owner's console, or the API).

The write goes to the channel the run's task listens on (stdin_relay.py), wherever that
task runs; the task records it in the run's output and hands it to the program.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from channels.exceptions import ChannelFull
from channels.layers import get_channel_layer
from django.http import Http404

from sandboxes.events import execution_stdin_channel
from sandboxes.limits import MAX_STDIN_WRITE_BYTES, validate_stdin
from sandboxes.models import Execution


class StdinRefused(Exception):
    """The run's stdin cannot take this write now (a 409: the run, not the request)."""

    def __init__(self, message: str, *, status: str) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def execution_stdin_check(*, user, execution_id) -> str:
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


async def execution_stdin_write(*, user, execution_id, data: str = "", eof: bool = False) -> str:
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
