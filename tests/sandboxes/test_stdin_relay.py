"""The relay from an owner's typing to their run's program, on the real channel layer."""

from __future__ import annotations

import asyncio
import uuid

from channels.layers import get_channel_layer

from sandboxes.runs.events import execution_stdin_channel
from sandboxes.runs.stdin import StdinRelay


class Recorder:
    """Stands in for the pipeline's OutputStream: what the relay recorded as the run's."""

    def __init__(self) -> None:
        self.recorded: list[tuple[str, bytes]] = []

    def record(self, stream: str, data: bytes) -> None:
        self.recorded.append((stream, data))


async def test_input_typed_before_the_run_runs_waits_for_it_then_reaches_the_program():
    """Typed while the run prepared (its packages installing): recorded in its output only
    once it runs, so a replay shows it after "running", where the program got it."""
    execution_id = uuid.uuid4()
    await get_channel_layer().send(
        execution_stdin_channel(execution_id), {"type": "stdin.write", "data": "early\n"}
    )
    output = Recorder()

    async with StdinRelay(execution_id, output) as relay:
        await asyncio.sleep(0.05)  # a relay not started takes nothing, however long
        recorded_before_start = list(output.recorded)
        relay.start()
        given = await asyncio.wait_for(relay.stream.read(), timeout=30)

    assert recorded_before_start == []
    assert given == b"early\n"  # what the program reads
    assert output.recorded == [("stdin", b"early\n")]  # and the run's output shows


def test_the_relay_listens_on_a_channel_of_its_own_not_the_processs_shared_one():
    """channels_redis receives all of a process's "!" channels in one shared pop: a relay
    cancelled at its run's end while holding that pop could drop a message popped for a
    page's socket in the same process (its run's exit event: the page stayed "Running")."""
    relay = StdinRelay(uuid.uuid4(), Recorder())

    assert "!" not in relay.channel
