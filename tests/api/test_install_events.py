"""SSE `install` events: the installer's lines between "preparing" and "running", with
ids like output's, and resuming across them."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from tests.api.sse import read_sse
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db(transaction=True)

OUTPUT = [
    ("install", "Resolved 1 package in 80ms\n"),
    ("install", "Installed 1 package in 5ms\n"),
    ("stdout", "hello\n"),
]


def url(execution) -> str:
    return f"/api/executions/{execution.pk}/events"


async def ids_after(client, execution, last_event_id: str | None = None) -> list[str]:
    headers = {} if last_event_id is None else {"Last-Event-ID": last_event_id}
    response = await client.get(url(execution), headers=headers)
    assert response.status_code == 200, response.content
    return [event.id for event in await read_sse(response)]


@pytest.fixture
def installed(owner):
    return ExecutionFactory(owner=owner, output=OUTPUT)


async def test_install_lines_come_between_preparing_and_running(async_api, installed):
    response = await async_api.get(url(installed))
    events = [(e.id, e.data["type"], e.data.get("data") or e.data.get("status"))
              for e in await read_sse(response)]  # fmt: skip

    assert events == [
        ("0-queued", "status", "queued"),
        ("0-preparing", "status", "preparing"),
        ("1", "install", "Resolved 1 package in 80ms\n"),
        ("2", "install", "Installed 1 package in 5ms\n"),
        ("2-running", "status", "running"),
        ("3", "stdout", "hello\n"),
        ("3-succeeded", "exit", "succeeded"),
    ]


@pytest.mark.parametrize(
    ("last_seen", "rest"),
    [
        ("0-preparing", ["1", "2", "2-running", "3", "3-succeeded"]),
        ("1", ["2", "2-running", "3", "3-succeeded"]),
        ("2", ["2-running", "3", "3-succeeded"]),  # "running" is still to come
        ("2-running", ["3", "3-succeeded"]),
        ("3", ["3-succeeded"]),
    ],
)
async def test_a_client_resumes_across_install_lines_without_gap_or_duplicate(
    async_api, installed, last_seen, rest
):
    assert await ids_after(async_api, installed, last_seen) == rest


async def test_a_run_still_preparing_sends_its_install_lines_and_no_running_yet(async_api, owner):
    preparing = await _recorded(owner, status="preparing", output=OUTPUT[:2])
    response = await async_api.get(url(preparing))
    events = await read_sse(response, stop_after=4)

    assert [e.id for e in events] == ["0-queued", "0-preparing", "1", "2"]


async def _recorded(owner, **fields):
    return await sync_to_async(ExecutionFactory)(owner=owner, **fields)
