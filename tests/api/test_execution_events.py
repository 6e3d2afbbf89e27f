"""GET /api/executions/<id>/events: a run's events, resumed exactly after Last-Event-ID."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from sandboxes.models import Execution
from tests.api.sse import read_sse
from tests.clients import async_client_for, token_for
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db(transaction=True)

OUTPUT = [("stdout", "one\n"), ("stderr", "two\n"), ("stdout", "three\n")]


@pytest.fixture
def finished(owner):
    return ExecutionFactory(owner=owner, output=OUTPUT, wall_ms=42)


def url(execution) -> str:
    return f"/api/executions/{execution.pk}/events"


async def events_after(client, execution, last_event_id: str | None = None):
    headers = {} if last_event_id is None else {"Last-Event-ID": last_event_id}
    response = await client.get(url(execution), headers=headers)
    assert response.status_code == 200, response.content
    return [(event.id, event.data) for event in await read_sse(response)]


async def test_a_finished_run_replays_everything_in_order(async_api, finished):
    events = await events_after(async_api, finished)

    assert events == [
        ("0-queued", {"type": "status", "status": "queued"}),
        ("0-preparing", {"type": "status", "status": "preparing"}),
        ("0-running", {"type": "status", "status": "running"}),
        ("1", {"type": "stdout", "data": "one\n"}),
        ("2", {"type": "stderr", "data": "two\n"}),
        ("3", {"type": "stdout", "data": "three\n"}),
        (
            "3-succeeded",
            {
                "type": "exit",
                "executionId": str(finished.pk),
                "status": "succeeded",
                "exitCode": 0,
                "signal": None,
                "duration": 42,
                "error": None,
                "outputTruncated": False,
            },
        ),
    ]


async def test_resuming_after_any_event_sends_exactly_the_rest(async_api, finished):
    everything = await events_after(async_api, finished)
    for position, (last_id, _data) in enumerate(everything[:-1]):
        assert await events_after(async_api, finished, last_id) == everything[position + 1 :]


async def test_resuming_after_the_final_event_is_a_204(async_api, finished):
    response = await async_api.get(url(finished), headers={"Last-Event-ID": "3-succeeded"})
    assert response.status_code == 204  # an EventSource stops reconnecting


@pytest.mark.parametrize("last_event_id", ["abc", "-1", "1-", "3-Succeeded", "0-failed", "0-x"])
async def test_an_id_that_is_not_one_of_the_runs_is_a_400(async_api, finished, last_event_id):
    response = await async_api.get(url(finished), headers={"Last-Event-ID": last_event_id})
    assert response.status_code == 400
    assert response.json()["field"] == "Last-Event-ID"


async def test_a_run_the_service_failed_ends_with_an_error_event(async_api, owner):
    failed = await database_sync_to_async(ExecutionFactory)(
        owner=owner, status=Execution.Status.ERROR, error="The sandbox could not start."
    )
    events = await events_after(async_api, failed)
    final_id, final = events[-1]
    assert final_id == "0-error"
    assert final["type"] == "error"
    assert final["error"] == "The sandbox could not start."


async def test_a_run_refused_by_its_quota_is_one_error_event(async_api, owner):
    rejected = await database_sync_to_async(ExecutionFactory)(
        owner=owner, status=Execution.Status.REJECTED, error="Monthly executions used up."
    )
    assert [data["type"] for _id, data in await events_after(async_api, rejected)] == ["error"]


async def test_another_users_run_is_a_404(finished, other_user, staff_user):
    for user in (other_user, staff_user):
        client = async_client_for(await database_sync_to_async(token_for)(user))
        response = await client.get(url(finished))
        assert response.status_code == 404
        assert response.json()["error"]


async def test_an_unknown_run_is_a_404(async_api):
    response = await async_api.get("/api/executions/00000000-0000-0000-0000-000000000000/events")
    assert response.status_code == 404
