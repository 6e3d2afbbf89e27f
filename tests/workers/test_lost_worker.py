"""A worker killed mid-run (kill -9): its run is lost within the heartbeat window, with its
quota slot freed, watchers told, and nothing run twice."""

from __future__ import annotations

import math
import signal
import time

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from quotas.models import Quota
from tests.waiting import receive_until, wait_for, wait_for_status
from tests.workers.cluster import (
    LONG,
    STALL_SECONDS,
    output_of,
    requires_cluster,
    running_with_output,
    start_run,
)

pytestmark = requires_cluster


def test_a_killed_workers_run_is_lost_and_never_run_again(cluster, runner):
    workers = {w.name: w for w in cluster.workers("worker-a", "worker-b", concurrency=1)}
    started = time.monotonic()
    execution = running_with_output(start_run(runner, LONG))
    doomed = workers.pop(execution.worker)
    (survivor,) = workers.values()

    doomed.kill()
    alive = time.monotonic() - started
    execution = wait_for_status(execution, "lost")

    assert "no heartbeat" in execution.error
    assert output_of(execution) == "started\n"
    # Charged for the time it was seen running (up to the last heartbeat), not for the
    # stall window it took to find it lost.
    assert 0 <= execution.compute_seconds_charged <= math.ceil(alive)
    quota = Quota.objects.get(user=runner)
    assert quota.runs_active == 0
    assert quota.compute_seconds_reserved == 0
    # The survivor never took it, and still works.
    time.sleep(STALL_SECONDS)
    assert survivor.started(execution.pk) == 0
    assert doomed.started(execution.pk) == 1
    after = wait_for_status(start_run(runner, "print('after')\n"), "succeeded")
    assert after.worker == survivor.name


async def test_the_web_side_finds_a_dead_only_worker_and_watchers_see_it_live(
    cluster, web_watch, runner
):
    (worker,) = await database_sync_to_async(cluster.workers)("worker-a")
    execution = await database_sync_to_async(start_run)(runner, LONG)
    await database_sync_to_async(running_with_output)(execution)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/executions/{execution.pk}/",
        headers=[(b"origin", b"http://localhost"), (b"host", b"localhost")],
    )
    communicator.scope["user"] = runner
    connected, _ = await communicator.connect(timeout=15)
    assert connected
    replayed = await communicator.receive_json_from(timeout=15)
    assert replayed["chunks"][0][2].startswith("started")

    worker.kill()  # the only worker: this process, the web side, must find it
    events = await receive_until(
        communicator, lambda events: events and events[-1]["event"] == "exit"
    )

    assert events[-1]["status"] == "lost"
    assert "no heartbeat" in events[-1]["error"]
    await communicator.disconnect(timeout=15)


def test_a_worker_that_was_only_frozen_stops_the_run_it_lost(cluster, runner):
    workers = {w.name: w for w in cluster.workers("worker-a", "worker-b", concurrency=1)}
    execution = running_with_output(start_run(runner, LONG))
    frozen = workers[execution.worker]

    frozen.process.send_signal(signal.SIGSTOP)  # no heartbeat, but not dead
    try:
        wait_for_status(execution, "lost")
    finally:
        frozen.process.send_signal(signal.SIGCONT)

    # Thawed, it hears the abort and stops the sandbox (the program would sleep a minute)
    # rather than run on for a run that has ended.
    ended = f"execution_id='{execution.pk}') ended with status"
    wait_for(lambda: ended in frozen.log, "the thawed worker to stop the run")
    assert output_of(execution) == "started\n"
    wait_for_status(start_run(runner, "print('after')\n"), "succeeded")
