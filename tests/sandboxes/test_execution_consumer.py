"""The live-output websocket: owner only, replay then live, resume without gap or duplicate."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from sandboxes import consumers
from sandboxes.models import Execution
from sandboxes.runs.ending import execution_end
from sandboxes.runs.events import execution_event_send, output_event
from sandboxes.runs.output import output_store
from sandboxes.runs.reader import follow
from sandboxes.runs.start import execution_start_for_sandbox
from sandboxes.runs.transitions import execution_transition
from sandboxes.services.workspaces import sandbox_file_save
from tests.factories import ExecutionFactory, UserFactory
from tests.sandboxes.sockets import socket, start, until_event, until_exit
from tests.waiting import await_status, receive_until

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]

SLOW_COUNT = b"import time\nfor i in range(5):\n    print(i)\n    time.sleep(0.2)\n"


def output_of(events) -> tuple[list[int], str]:
    chunks = [chunk for e in events if e["event"] == "output" for chunk in e["chunks"]]
    return [c[0] for c in chunks], "".join(c[2] for c in chunks)


async def test_the_owner_sees_output_live_and_then_the_exit(live_dispatcher, owner):
    execution = await start(owner, SLOW_COUNT)
    communicator = socket(owner, execution)
    connected, _ = await communicator.connect(timeout=15)
    assert connected

    events = await until_exit(communicator)

    seqs, text = output_of(events)
    assert text == "0\n1\n2\n3\n4\n"
    assert seqs == sorted(set(seqs))
    statuses = [e["status"] for e in events if e["event"] == "status"]
    assert "running" in statuses
    assert events[-1]["status"] == "succeeded"
    assert events[-1]["exit_code"] == 0
    # The first line arrived while the program was still running, not all at the end.
    first_output = next(i for i, e in enumerate(events) if e["event"] == "output")
    assert len([e for e in events[first_output:] if e["event"] == "output"]) > 1
    await communicator.disconnect(timeout=15)


async def test_another_user_is_refused_as_if_the_run_did_not_exist(
    live_dispatcher, owner, other_user
):
    execution = await start(owner, b"print('secret')")
    communicator = socket(other_user, execution)
    connected, code = await communicator.connect(timeout=15)
    assert not connected
    assert code == 4404


async def test_staff_are_refused_too_and_cannot_cancel_someone_elses_run(live_dispatcher, owner):
    # A run's output and its cancel are its owner's alone: an is_staff flag grants no
    # model permission (operators act on runs through the admin, which checks them).
    operator = await database_sync_to_async(UserFactory)(username="operator", is_staff=True)
    execution = await start(owner, b"import time\nprint('secret', flush=True)\ntime.sleep(2)")
    communicator = socket(operator, execution)

    connected, code = await communicator.connect(timeout=15)

    assert not connected
    assert code == 4404
    assert (await await_status(execution)).status == "succeeded"  # nobody cancelled it


async def test_a_page_of_another_site_cannot_open_the_owners_socket(sandbox):
    # The browser sends the owner's cookies with a cross-site websocket; its Origin is
    # what gives such a page away.
    execution = await database_sync_to_async(ExecutionFactory)(sandbox=sandbox)
    # Another port or scheme of the same host is another site too (anything a user runs).
    for origin in (
        b"https://evil.example",
        b"null",
        None,
        b"http://localhost:9999",
        b"https://localhost",
        b"http://localhost.evil.example",
    ):
        headers = [(b"host", b"localhost")] + ([(b"origin", origin)] if origin else [])
        communicator = WebsocketCommunicator(
            application, f"/ws/executions/{execution.pk}/", headers=headers
        )
        communicator.scope["user"] = sandbox.owner

        connected, _ = await communicator.connect(timeout=15)

        assert not connected, origin


async def test_a_client_resumes_after_the_last_sequence_number_it_saw(live_dispatcher, owner):
    execution = await start(owner, b"for i in range(3):\n    print(i, flush=True)\n")
    first = socket(owner, execution)
    await first.connect(timeout=15)
    events = await until_exit(first)
    await first.disconnect(timeout=15)
    seqs, text = output_of(events)
    assert text == "0\n1\n2\n"
    first_chunk = next(e for e in events if e["event"] == "output")["chunks"][0]

    resumed = socket(owner, execution, after=first_chunk[0])
    await resumed.connect(timeout=15)
    resumed_seqs, resumed_text = output_of(await until_exit(resumed))
    # Exactly what came after the first chunk: nothing missing, nothing twice.
    assert resumed_seqs == seqs[1:]
    assert first_chunk[2] + resumed_text == text
    assert (await database_sync_to_async(_stored_text)(execution)) == text
    await resumed.disconnect(timeout=15)


def _stored_text(execution) -> str:
    return "".join(execution.chunks.values_list("data", flat=True))


async def test_cancel_over_the_socket_stops_the_run(live_dispatcher, owner):
    execution = await start(owner, b"import time\nprint('started', flush=True)\ntime.sleep(30)")
    communicator = socket(owner, execution)
    await communicator.connect(timeout=15)
    await until_event(communicator, "output")  # the program is really running
    await communicator.send_json_to({"action": "cancel"})

    events = await until_exit(communicator)

    assert {"event": "cancel", "accepted": True} in events
    assert events[-1]["status"] == "cancelled"
    await communicator.disconnect(timeout=15)


async def test_a_sandbox_run_keeps_the_files_it_wrote_for_the_next_run(live_dispatcher, sandbox):
    await database_sync_to_async(sandbox_file_save)(
        sandbox=sandbox,
        path="main.py",
        content=b"import os\n"
        b"n = int(open('count.txt').read()) if os.path.exists('count.txt') else 0\n"
        b"open('count.txt', 'w').write(str(n + 1))\nprint(n + 1)\n",
    )
    for expected in ("1\n", "2\n"):
        execution = await database_sync_to_async(execution_start_for_sandbox)(sandbox=sandbox)
        communicator = socket(sandbox.owner, execution)
        assert (await communicator.connect(timeout=15))[0]
        _, text = output_of(await until_exit(communicator))
        await communicator.disconnect(timeout=15)
        assert text == expected
    await asyncio.sleep(0)


@pytest.mark.parametrize("after", ["²", "١", "-1", "1_0"])
async def test_a_number_that_is_not_ascii_digits_replays_from_the_start(sandbox, after):
    execution = await database_sync_to_async(ExecutionFactory)(
        sandbox=sandbox, output=[("stdout", "hello\n")]
    )
    communicator = socket(sandbox.owner, execution, after=after)

    connected, _ = await communicator.connect(timeout=15)

    assert connected
    assert (await communicator.receive_json_from(timeout=15))["chunks"] == [
        [1, "stdout", "hello\n"]
    ]
    await communicator.disconnect(timeout=15)


# --- Messages the channel layer dropped ---------------------------------------------------
# channels-redis drops a message for a full channel and says nothing. These runs are
# recorded (nothing executes); their output is stored as the pipeline stores it, and some
# of their group messages are never sent.


async def recorded(sandbox, status: str = "running") -> Execution:
    return await database_sync_to_async(ExecutionFactory)(sandbox=sandbox, status=status)


async def stored(execution, *chunks: tuple[int, str, str], send: bool) -> None:
    await database_sync_to_async(output_store)(execution.pk, chunks)
    if send:
        await execution_event_send(execution.pk, output_event(list(chunks)))


async def watching(execution) -> WebsocketCommunicator:
    """Its owner's socket, once the replay is over (it ends with the run's status)."""
    communicator = socket(execution.owner, execution)
    assert (await communicator.connect(timeout=15))[0]
    await until_event(communicator, "status", status=execution.status)
    return communicator


async def until_seq(communicator, seq: int) -> list[dict]:
    return await receive_until(communicator, lambda messages: output_of(messages)[0][-1:] == [seq])


async def test_output_whose_message_was_dropped_comes_from_the_database_at_the_next_one(sandbox):
    execution = await recorded(sandbox)
    communicator = await watching(execution)
    await stored(execution, (1, "stdout", "one\n"), send=True)
    assert output_of(await until_seq(communicator, 1)) == ([1], "one\n")

    await stored(execution, (2, "stdout", "two\n"), send=False)
    await stored(execution, (3, "stderr", "three\n"), (4, "stdout", "four\n"), send=True)

    assert output_of(await until_seq(communicator, 4)) == ([2, 3, 4], "two\nthree\nfour\n")
    await communicator.disconnect(timeout=15)


async def test_output_whose_message_was_dropped_comes_before_the_end(sandbox):
    execution = await recorded(sandbox)
    communicator = await watching(execution)
    await stored(execution, (1, "stdout", "last words\n"), send=False)

    await database_sync_to_async(execution_end)(execution.pk, status="succeeded")
    messages = await until_exit(communicator)

    assert output_of(messages) == ([1], "last words\n")
    assert messages[-1]["status"] == "succeeded"
    await communicator.disconnect(timeout=15)


async def test_output_after_a_status_whose_message_was_dropped_comes_after_that_status(sandbox):
    execution = await recorded(sandbox, status="preparing")
    communicator = await watching(execution)
    await database_sync_to_async(execution_transition)(
        execution_id=execution.pk, timeline=execution.timeline, statuses=["running"]
    )

    await stored(execution, (1, "stdout", "hello\n"), send=True)

    assert await until_seq(communicator, 1) == [
        {"event": "status", "status": "running"},
        {"event": "output", "chunks": [[1, "stdout", "hello\n"]]},
    ]
    await communicator.disconnect(timeout=15)


async def test_a_socket_that_hears_nothing_for_a_while_reads_the_database_again(
    sandbox, monkeypatch
):
    monkeypatch.setattr(consumers, "QUIET_SECONDS", 0.05)
    execution = await recorded(sandbox)
    communicator = await watching(execution)

    await stored(execution, (1, "stdout", "nobody said\n"), send=False)

    assert output_of(await until_seq(communicator, 1)) == ([1], "nobody said\n")
    await communicator.disconnect(timeout=15)


async def test_an_event_stream_timing_out_costs_the_sockets_of_its_process_no_message(sandbox):
    # On Redis, a process's sockets share one receive: a watcher that timed out on one of
    # their channels could take a message of theirs with it. Here the output is not
    # stored: a live message lost is lost for good.
    first, second, streamed = [await recorded(sandbox) for _ in range(3)]
    sockets = [await watching(first), await watching(second)]

    async def stream_timing_out():
        async for _item in follow(streamed.pk, statuses_given=3, quiet_seconds=0.001):
            pass

    stream = asyncio.create_task(stream_timing_out())
    for burst in range(20):
        seqs = range(burst * 5 + 1, burst * 5 + 6)
        for seq in seqs:
            message = output_event([(seq, "stdout", f"{seq}\n")])
            for execution in (first, second):
                await execution_event_send(execution.pk, message)
        for communicator in sockets:
            assert output_of(await until_seq(communicator, seqs[-1]))[0] == list(seqs)

    stream.cancel()
    for communicator in sockets:
        await communicator.disconnect(timeout=15)
