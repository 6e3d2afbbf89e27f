from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


def url(execution) -> str:
    return reverse("run_cancel", args=[execution.pk])


def test_the_owner_stops_a_run_in_progress(signed_in, sandbox):
    # Queued and held by no task here: cancelling it ends it at once.
    execution = ExecutionFactory(sandbox=sandbox, status="queued")

    response = signed_in.post(url(execution), headers={"Accept": "application/json"})

    execution.refresh_from_db()
    assert response.json() == {"accepted": True}
    assert execution.status == "cancelled"


def test_a_run_that_already_ended_is_left_alone(signed_in, sandbox):
    execution = ExecutionFactory(sandbox=sandbox, status="succeeded")

    response = signed_in.post(url(execution), headers={"Accept": "application/json"})

    execution.refresh_from_db()
    assert response.json() == {"accepted": False}
    assert execution.status == "succeeded"


def test_another_user_cannot_stop_it(client, other_user, sandbox):
    execution = ExecutionFactory(sandbox=sandbox, status="queued")
    client.force_login(other_user)

    response = client.post(url(execution))

    execution.refresh_from_db()
    assert response.status_code == 404
    assert execution.status == "queued"


def test_it_needs_a_signed_in_user(client, sandbox):
    execution = ExecutionFactory(sandbox=sandbox, status="queued")

    assert client.post(url(execution)).status_code == 302
