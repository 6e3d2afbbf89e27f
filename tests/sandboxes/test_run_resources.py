"""A run gets its tier's resources (vCPUs, memory, disk, processes, output), recorded in
its snapshot when it starts, and the engine enforces those."""

from __future__ import annotations

import pytest

from quotas.models import Tier
from sandboxes.engine import RunResult, Status
from sandboxes.runs.ending import execution_end
from sandboxes.runs.pipeline import _load, _spec
from sandboxes.runs.start import execution_rerun, execution_start
from tests.factories import UserFactory, seeded_tier

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024


def start(user, **asked):
    return execution_start(
        user=user, runtime="python", files={"main.py": b"print(1)"}, entry="main.py", **asked
    )


def test_a_run_records_its_tiers_default_resources(owner):
    execution = start(owner)

    assert execution.snapshot["resources"] == {
        "vcpus": 1,
        "memory_mb": 256,
        "disk_mb": 64,
        "max_processes": 64,
        "output_kb": 1024,
    }


def test_the_engine_is_given_the_recorded_resources_not_the_tiers_of_today(owner):
    execution = start(owner)
    Tier.objects.filter(name="free").update(memory_mb_default=400, memory_mb_max=800, disk_mb=9)

    spec = _spec(_load(execution.pk), env={})

    assert spec.limits.memory_bytes == 256 * MiB
    assert spec.limits.disk_bytes == 64 * MiB
    assert spec.limits.max_processes == 64
    assert spec.limits.output_bytes == 1024 * 1024
    assert spec.limits.cpus == 1


def test_a_pro_run_gets_the_pro_tiers_defaults(db):
    user = UserFactory(username="pro-user", tier=seeded_tier("pro"))

    spec = _spec(_load(start(user).pk), env={})

    assert spec.limits.memory_bytes == 512 * MiB
    assert spec.limits.disk_bytes == 512 * MiB
    assert spec.limits.max_processes == 128
    assert spec.limits.output_bytes == 4096 * 1024


def test_a_rerun_asks_for_what_the_run_had(db):
    user = UserFactory(username="pro-user", tier=seeded_tier("pro"))
    execution = start(user, vcpus=2, memory_mb=1024)
    execution.status = "succeeded"
    execution.save()

    again = execution_rerun(execution=execution)

    assert again.snapshot["resources"]["vcpus"] == 2
    assert again.snapshot["resources"]["memory_mb"] == 1024


def test_a_run_is_charged_its_wall_time_times_its_vcpus(db):
    user = UserFactory(username="pro-user", tier=seeded_tier("pro"))
    execution = start(user, vcpus=2, timeout_seconds=30)
    assert execution.timeout_seconds == 30
    assert execution.reservation.seconds_reserved == 60
    result = RunResult(
        status=Status.SUCCEEDED,
        exit_code=0,
        signal=None,
        wall_seconds=3.2,
        cpu_seconds=6.1,
        peak_memory_bytes=1,
        output_truncated=False,
        files={},
        deleted_files=(),
        runtime_version="3.13",
    )

    finished = execution_end(execution.pk, status="succeeded", result=result)

    assert finished.compute_seconds_charged == 7  # 6.4 vCPU-seconds, rounded up
    user.quota.refresh_from_db()
    assert user.quota.compute_seconds_used == 7
