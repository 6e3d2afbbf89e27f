"""Output of a run on a worker process reaches clients of other processes live, through
Redis: a websocket client, and an SSE client of a separate web server (Daphne)."""

from __future__ import annotations

import http.client
import json
import urllib.request

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from api.services.tokens import api_token_create
from config.asgi import application
from harness.appserver import free_port
from sandboxes.models import Execution
from tests.waiting import wait_for_status
from tests.workers.cluster import requires_cluster, start_run

pytestmark = requires_cluster

TICKS = "import time\nfor i in range(4):\n    print('tick', i, flush=True)\n    time.sleep(0.4)\n"


async def test_a_websocket_client_sees_a_workers_output_live(cluster, runner):
    await database_sync_to_async(cluster.workers)("worker-a")
    execution = await database_sync_to_async(start_run)(runner, TICKS)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/executions/{execution.pk}/",
        headers=[(b"origin", b"http://localhost"), (b"host", b"localhost")],
    )
    communicator.scope["user"] = runner
    connected, _ = await communicator.connect(timeout=15)
    assert connected

    events = []
    while not events or events[-1]["event"] != "exit":
        events.append(await communicator.receive_json_from(timeout=15))

    chunks = [chunk for e in events if e["event"] == "output" for chunk in e["chunks"]]
    assert "".join(c[2] for c in chunks) == "tick 0\ntick 1\ntick 2\ntick 3\n"
    assert [c[0] for c in chunks] == sorted({c[0] for c in chunks})
    # Several batches, as the program printed them, not everything at the end.
    assert len([e for e in events if e["event"] == "output"]) >= 3
    assert events[-1]["status"] == "succeeded"
    await communicator.disconnect(timeout=15)


def sse_events(response):
    """Each SSE event's data, as it arrives."""
    for line in iter(response.readline, b""):
        if line.startswith(b"data: "):
            yield json.loads(line[6:])


def test_an_sse_client_of_another_server_process_sees_a_workers_output_live(cluster, runner):
    web = cluster.web()
    cluster.workers("worker-a")
    token = api_token_create(user=runner, name="sse").secret
    execution = start_run(runner, TICKS)

    client = http.client.HTTPConnection("127.0.0.1", web.port, timeout=15)
    client.request(
        "GET",
        f"/api/executions/{execution.pk}/events",
        headers={"Authorization": f"Bearer {token}", "Accept": "text/event-stream"},
    )
    response = client.getresponse()
    assert response.status == 200

    printed, running_when_first_seen = [], None
    for event in sse_events(response):
        if event["type"] == "stdout":
            if running_when_first_seen is None:
                running_when_first_seen = Execution.objects.get(pk=execution.pk).is_active
            printed.append(event["data"])
        if event["type"] in ("exit", "error"):
            final = event
            break
    client.close()

    assert "".join(printed) == "tick 0\ntick 1\ntick 2\ntick 3\n"
    assert running_when_first_seen is True  # live: seen while the program still ran
    assert final["status"] == "succeeded"
    assert final["executionId"] == str(execution.pk)


def test_a_run_through_the_api_of_another_server_waits_for_the_worker(cluster, runner):
    web = cluster.web()
    cluster.workers("worker-a")
    token = api_token_create(user=runner, name="api").secret

    client = http.client.HTTPConnection("127.0.0.1", web.port, timeout=15)
    body = json.dumps({"code": "print('hi from a worker')", "env": {"GREETING": "x"}})
    client.request(
        "POST",
        "/api/sandbox",
        body,
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = client.getresponse()
    answer = json.loads(response.read())
    client.close()

    assert response.status == 200, answer
    assert answer["status"] == "succeeded"
    assert answer["stdout"] == "hi from a worker\n"
    assert Execution.objects.get(pk=answer["executionId"]).worker == "worker-a"


def test_a_worker_serves_its_metrics_when_asked(cluster, runner):
    port = free_port()
    (worker,) = cluster.workers("worker-a", extra=["--metrics-port", str(port)])
    wait_for_status(start_run(runner, "print('counted')\n"), "succeeded")

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        metrics = answer.read().decode()

    # The run ended in the worker, so the worker counts it.
    finished = [
        line
        for line in metrics.splitlines()
        if line.startswith("codesandboxes_runs_finished_total") and 'status="succeeded"' in line
    ]
    assert finished and float(finished[0].split()[-1]) == 1.0
