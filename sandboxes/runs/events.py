"""What a run tells the world, and the one shape of each message.

- Watchers (a browser's websocket, an API client's event stream) get live events on the
  channel-layer group ``execution.<id>``: ``status``, ``output`` batches and the ``exit``
  event (`end_event`). The group is only the fast path (channels-redis drops messages for
  a full channel): the stored chunks and the execution row are the truth that a
  (re)connecting reader reads (reader.py).
- Observers in this process (operations' metrics and logs) get Django signals, sent once
  the change is committed: `run_started`, `run_ended`, `run_refused`. A failing receiver
  is logged and never breaks a run.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.dispatch import Signal

from quotas.formatting import format_elapsed
from sandboxes.ids import ExecutionId

# One piece of a run's output: (seq, stream, text), seq counting from 1 in the run.
Chunk = tuple[int, str, str]

logger = logging.getLogger(__name__)

# Sent with `execution=` (queued, its quota reserved).
run_started = Signal()
# Sent with `execution=` (ended, however: finished, cancelled, lost, in error).
run_ended = Signal()
# Sent with `user=`, `runtime=`, `refusal=` (the QuotaExceeded or RunsPaused; a quota
# refusal carries its recorded `rejected` execution as `refusal.execution`).
run_refused = Signal()


def observers_tell(signal: Signal, **kwargs) -> None:
    """Send `signal`; observability must never break a run (failures are logged)."""
    for receiver, response in signal.send_robust(sender=None, **kwargs):
        if isinstance(response, Exception):
            name = getattr(receiver, "__name__", receiver)
            logger.error("recording %s failed", name, exc_info=response)


def execution_group(execution_id: ExecutionId) -> str:
    return f"execution.{execution_id}"


def execution_stdin_channel(execution_id: ExecutionId) -> str:
    """Where what the owner types goes: the task running the execution listens there.

    A channel of its own, not one of a process's "!" channels: channels_redis pops all of a
    process's "!" channels in one shared receive, and cancelling the relay's receive when
    its run ended could drop a message popped for another socket of the same process (a
    watching page lost its run's exit event)."""
    return f"execution.{execution_id}.stdin"


def end_event(execution) -> dict:
    """The ``exit`` event: how a run ended, as watchers get it live and on replay. Its
    `duration` reads as the run's pages read it (format_elapsed), so the console need not
    format it again."""
    seconds = execution.duration_seconds
    return {
        "event": "exit",
        "status": execution.status,
        "exit_code": execution.exit_code,
        "duration_ms": execution.wall_ms,
        "duration": None if seconds is None else format_elapsed(seconds),
        "error": execution.error,
        "output_truncated": execution.output_truncated,
        "files_skipped": execution.files_skipped_message(),
    }


def output_event(chunks: Sequence[Chunk]) -> dict:
    return {"event": "output", "chunks": [list(chunk) for chunk in chunks]}


async def execution_event_send(execution_id: ExecutionId, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(execution_group(execution_id), {"type": "execution.event", **event})


async def _events_send(execution_id: ExecutionId, events: list[dict[str, Any]]) -> None:
    for event in events:
        await execution_event_send(execution_id, event)


def execution_events_send_sync(execution_id: ExecutionId, events: list[dict[str, Any]]) -> None:
    """From sync code: in a request or a run's database thread, on the server's loop."""
    async_to_sync(_events_send)(execution_id, events)
