"""A run whose worker died: lost, charged only for the time it was seen running."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quotas.models import Quota
from sandboxes.models import Execution
from sandboxes.runs.ending import execution_end
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db

RUNNING_AT = datetime(2026, 11, 29, 14, 0, tzinfo=UTC)


def execution_lose(*, execution_id, reason: str, seen_until):
    return execution_end(execution_id, status="lost", error=reason, seen_until=seen_until)


def running_execution(user, **fields) -> Execution:
    return ExecutionFactory(
        owner=user,
        timeout_seconds=600,
        reserved=True,
        status=Execution.Status.RUNNING,
        worker="host-a:42",
        timeline=[
            ["queued", (RUNNING_AT - timedelta(seconds=1)).isoformat()],
            ["preparing", RUNNING_AT.isoformat()],
            ["running", RUNNING_AT.isoformat()],
        ],
        **fields,
    )


def test_it_is_charged_up_to_its_workers_last_heartbeat_and_frees_the_slot(owner):
    execution = running_execution(owner)

    lost = execution_lose(
        execution_id=execution.pk,
        reason="no heartbeat",
        seen_until=RUNNING_AT + timedelta(seconds=7.2),
    )

    assert lost.status == "lost"
    assert lost.error == "no heartbeat"
    assert lost.compute_seconds_charged == 8  # whole seconds, rounded up
    assert [status for status, _at in lost.timeline][-1] == "lost"
    quota = Quota.objects.get(user=owner)
    assert quota.runs_active == 0
    assert quota.compute_seconds_reserved == 0
    assert quota.compute_seconds_used == 8


def test_a_run_never_seen_running_costs_nothing(owner):
    execution = running_execution(owner)

    lost = execution_lose(execution_id=execution.pk, reason="gone", seen_until=None)

    assert lost.compute_seconds_charged == 0
    assert Quota.objects.get(user=owner).runs_active == 0


def test_only_the_first_of_two_watchers_ends_it(owner):
    execution = running_execution(owner)
    seen = RUNNING_AT + timedelta(seconds=3)

    first = execution_lose(execution_id=execution.pk, reason="gone", seen_until=seen)
    second = execution_lose(execution_id=execution.pk, reason="gone", seen_until=seen)

    assert first is not None
    assert second is None
    assert Quota.objects.get(user=owner).compute_seconds_used == 3


def test_a_run_that_already_ended_is_left_alone(owner):
    execution = running_execution(owner)
    Execution.objects.filter(pk=execution.pk).update(status=Execution.Status.SUCCEEDED)

    assert execution_lose(execution_id=execution.pk, reason="gone", seen_until=None) is None
    assert Execution.objects.get(pk=execution.pk).status == "succeeded"
