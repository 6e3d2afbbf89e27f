"""POST /api/sandbox with "streaming": true — Server-Sent Events from real runs."""

from __future__ import annotations

import json

import pytest

from api import feed
from sandboxes.models import OutputChunk
from tests.api.sse import read_sse

URL = "/api/sandbox"
COUNT = "import sys, time\nfor i in range(4):\n    print(i, flush=True)\n    time.sleep(0.1)\n"

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.django_db(transaction=True),
]


async def stream(client, **body):
    body = {"streaming": True, **body}
    return await client.post(URL, json.dumps(body), content_type="application/json")


async def test_it_streams_statuses_output_and_the_exit_as_events(live_dispatcher, async_api):
    response = await stream(async_api, code=COUNT + "sys.stderr.write('done')\n")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Quota-Runs-Remaining"]
    events = await read_sse(response)

    assert all(event.id for event in events)  # every event can be resumed after
    types = [event.data["type"] for event in events]
    assert types[0] == "status"
    assert types[-1] == "exit"
    statuses = [e.data["status"] for e in events if e.data["type"] == "status"]
    assert statuses[-1] == "running"
    output = [e for e in events if e.data["type"] in ("stdout", "stderr")]
    assert "".join(e.data["data"] for e in output if e.data["type"] == "stdout") == "0\n1\n2\n3\n"
    assert [e.data for e in output if e.data["type"] == "stderr"] == [
        {"type": "stderr", "data": "done"}
    ]
    assert [int(e.id) for e in output] == list(range(1, len(output) + 1))
    assert all(e.id == f"0-{e.data['status']}" for e in events if e.data["type"] == "status")
    end = events[-1]
    assert end.id == f"{len(output)}-succeeded"
    assert end.data["exitCode"] == 0
    assert end.data["executionId"] == response["X-Execution-Id"]
    assert isinstance(end.data["duration"], int)


async def test_output_arrives_while_the_program_is_still_running(live_dispatcher, async_api):
    response = await stream(async_api, code=COUNT)
    events = await read_sse(response)
    output = [e.data["data"] for e in events if e.data["type"] == "stdout"]
    # Four prints 0.1 s apart arrive as (at least) four events, not one batch at the end.
    assert len(output) >= 4
    assert "".join(output) == "0\n1\n2\n3\n"


async def test_a_client_that_drops_the_stream_resumes_with_exactly_what_it_missed(
    live_dispatcher, async_api
):
    response = await stream(async_api, code=COUNT)
    first = await read_sse(response, stop_after=5)  # statuses, then some output
    assert first[-1].data["type"] == "stdout"

    resumed = await async_api.get(
        f"/api/executions/{response['X-Execution-Id']}/events",
        headers={"Last-Event-ID": first[-1].id},
    )
    rest = await read_sse(resumed)

    seen = [e for e in first + rest if e.data["type"] in ("stdout", "stderr")]
    assert [int(e.id) for e in seen] == list(range(1, len(seen) + 1))  # no gap, no repeat
    assert "".join(e.data["data"] for e in seen) == "0\n1\n2\n3\n"
    assert rest[-1].data["type"] == "exit"
    assert len({e.id for e in first + rest}) == len(first + rest)
    stored = [c async for c in OutputChunk.objects.filter(execution_id=response["X-Execution-Id"])]
    assert len(stored) == len(seen)


async def test_a_quiet_run_gets_heartbeat_comments(live_dispatcher, async_api, monkeypatch):
    monkeypatch.setattr(feed, "HEARTBEAT_SECONDS", 0.1)
    response = await stream(async_api, code="import time\ntime.sleep(0.6)\nprint('late')")

    events = await read_sse(response)

    assert any(event.data is None for event in events)  # ": keep-alive"
    assert events[-1].data["type"] == "exit"
    assert "".join(e.data["data"] for e in events if e.data and e.data["type"] == "stdout") == (
        "late\n"
    )


async def test_validation_errors_are_json_not_a_stream(live_dispatcher, async_api):
    response = await stream(async_api, code="")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
