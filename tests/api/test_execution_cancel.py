"""POST /api/executions/<id>/cancel: stop one of the caller's runs."""

from __future__ import annotations

import asyncio
import json

import pytest

from sandboxes.models import Execution
from tests.factories import ExecutionFactory


def cancel(client, execution):
    return client.post(f"/api/executions/{execution.pk}/cancel")


def test_a_queued_run_that_nothing_holds_is_cancelled_at_once(api, owner):
    run = ExecutionFactory(owner=owner, status=Execution.Status.QUEUED)

    response = cancel(api, run)

    assert response.status_code == 202
    assert response.json() == {
        "executionId": str(run.pk),
        "accepted": True,
        "status": "cancelled",
    }


def test_a_run_that_already_ended_is_a_409(api, owner):
    run = ExecutionFactory(owner=owner, status=Execution.Status.FAILED)

    response = cancel(api, run)

    assert response.status_code == 409
    assert response.json()["status"] == "failed"
    assert response.json()["error"]


def test_another_users_run_is_a_404_and_keeps_running(other_api, staff_api, owner):
    run = ExecutionFactory(owner=owner, status=Execution.Status.RUNNING)
    for client in (other_api, staff_api):
        assert cancel(client, run).status_code == 404
    run.refresh_from_db()
    assert run.status == "running"


def test_only_post_is_allowed(api, owner):
    assert api.get(f"/api/executions/{ExecutionFactory(owner=owner).pk}/cancel").status_code == 405


@pytest.mark.sandbox
@pytest.mark.django_db(transaction=True)
async def test_a_running_program_is_stopped(live_dispatcher, async_api):
    started = await async_api.post(
        "/api/sandbox",
        json.dumps(
            {"code": "import time\nprint('up', flush=True)\ntime.sleep(30)", "streaming": True}
        ),
        content_type="application/json",
    )
    execution_id = started["X-Execution-Id"]
    content = aiter(started.streaming_content)
    async for part in content:  # wait until the program really runs
        if b'"stdout"' in part:
            break
    response = await async_api.post(f"/api/executions/{execution_id}/cancel")
    assert response.status_code == 202

    rest = b"".join([part async for part in content])
    assert b'"status": "cancelled"' in rest
    await asyncio.sleep(0)
    assert (await Execution.objects.aget(pk=execution_id)).status == "cancelled"
