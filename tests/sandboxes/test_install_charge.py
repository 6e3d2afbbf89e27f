"""Installing a run's packages costs compute: charged to its owner's quota and shown apart
on the run (a cached set costs nothing)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quotas.models import Quota
from sandboxes.engine import RunResult, Status
from sandboxes.runs.ending import execution_end
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


def result(wall: float) -> RunResult:
    return RunResult(
        status=Status.SUCCEEDED,
        exit_code=0,
        signal=None,
        wall_seconds=wall,
        cpu_seconds=wall,
        peak_memory_bytes=1,
        output_truncated=False,
        files={},
        deleted_files=(),
        runtime_version="3.13",
    )


@pytest.fixture
def running(sandbox):
    return ExecutionFactory(sandbox=sandbox, status="running", timeout_seconds=5, reserved=True)


def test_the_install_time_is_charged_to_the_quota_and_kept_apart_on_the_run(running, owner):
    execution = execution_end(
        running.pk, status="succeeded", result=result(1.2), install_seconds=37.4
    )

    assert execution.install_seconds_charged == 37
    assert execution.compute_seconds_charged == 2 + 37
    assert Quota.objects.get(user=owner).compute_seconds_used == 39


def test_a_cached_package_set_costs_nothing(running, owner):
    execution = execution_end(
        running.pk, status="succeeded", result=result(1.2), install_seconds=0.004
    )

    assert execution.install_seconds_charged == 0
    assert Quota.objects.get(user=owner).compute_seconds_used == 2


def test_the_run_page_shows_the_install_part(client, running, owner):
    execution_end(running.pk, status="succeeded", result=result(1.2), install_seconds=37.4)
    client.force_login(owner)

    page = client.get(reverse("run_detail", args=[running.pk])).content.decode()

    assert "39 vCPU-seconds of compute (37 s installing packages)" in page
