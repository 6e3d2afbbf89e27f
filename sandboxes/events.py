"""Live events of an execution, pushed to its channel-layer group ``execution.<id>``.

The group is only the fast path (channels-redis drops messages for a full channel): the
stored chunks and the execution row are the truth that a (re)connecting client reads.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def execution_group(execution_id) -> str:
    return f"execution.{execution_id}"


def execution_stdin_channel(execution_id) -> str:
    """Where what the owner types goes: the task running the execution listens there.

    A channel of its own, not one of a process's "!" channels: channels_redis pops all of a
    process's "!" channels in one shared receive, and cancelling the relay's receive when
    its run ended could drop a message popped for another socket of the same process (a
    watching page lost its run's exit event)."""
    return f"execution.{execution_id}.stdin"


async def execution_event_send(execution_id, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(execution_group(execution_id), {"type": "execution.event", **event})


def execution_event_send_sync(execution_id, event: dict[str, Any]) -> None:
    async_to_sync(execution_event_send)(execution_id, event)
