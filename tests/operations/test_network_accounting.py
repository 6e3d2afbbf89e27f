"""Runs' network in operations: Prometheus counters, and the dashboard's bandwidth."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from operations.selectors import DateRange, daily_stats
from quotas.models import Tier
from sandboxes.engine import RunResult, Status
from sandboxes.runs.ending import execution_end
from sandboxes.runs.start import execution_start
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db

PY = {"runtime": "python3.13"}
MON, TUE = date(2026, 11, 23), date(2026, 11, 24)
MIB = 2**20


def start(user, network=None):
    return execution_start(
        user=user, runtime="python", files={"main.py": b"print(1)\n"}, entry="main.py",
        network=network,
    )  # fmt: skip


def result(status=Status.SUCCEEDED, **network) -> RunResult:
    return RunResult(
        status=status, exit_code=0, signal=None, wall_seconds=0.2, cpu_seconds=0.1,
        peak_memory_bytes=2**20, output_truncated=False, files={}, deleted_files=(),
        runtime_version="3.13.0", **network,
    )  # fmt: skip


def test_a_started_run_counts_by_its_network_policy(owner, read_metrics):
    before = read_metrics()

    start(owner, network={"mode": "allow_list", "allow": ["api.example.com"]})

    after = read_metrics()
    name = "codesandboxes_runs_by_network_total"
    assert after.value(name, mode="allow_list") - before.value(name, mode="allow_list") == 1
    assert after.value(name, mode="none") == before.value(name, mode="none")


def test_a_finished_run_counts_its_network_bytes_refusals_and_a_cap_hit(owner, read_metrics):
    execution = start(owner, network={"mode": "allow_list", "allow": ["api.example.com"]})
    before = read_metrics()

    execution_end(
        execution.pk,
        status="network_limited",
        result=result(
            Status.NETWORK_LIMITED,
            network_bytes_in=70_000,
            network_bytes_out=1_500,
            network_blocked_count=3,
            network_blocked=("evil.example (not on the allow-list)",),
        ),
    )

    after = read_metrics()

    def grew(name, **labels):
        return after.value(name, **labels) - before.value(name, **labels)

    assert grew("codesandboxes_run_network_bytes_total", direction="in", **PY) == 70_000
    assert grew("codesandboxes_run_network_bytes_total", direction="out", **PY) == 1_500
    assert grew("codesandboxes_run_network_refusals_total", **PY) == 3
    assert grew("codesandboxes_runs_network_limited_total", **PY) == 1
    assert grew("codesandboxes_runs_finished_total", status="network_limited", **PY) == 1


def test_a_run_without_network_adds_no_bytes(owner, read_metrics):
    execution = start(owner)
    before = read_metrics()

    execution_end(execution.pk, status="succeeded", result=result())

    after = read_metrics()
    name = "codesandboxes_run_network_bytes_total"
    assert after.value(name, **PY) == before.value(name, **PY)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def network_runs(owner):
    ExecutionFactory(owner=owner, created_at=at(MON), network_bytes_in=3 * MIB,
                     network_bytes_out=MIB, network_blocked_count=2)  # fmt: skip
    ExecutionFactory(owner=owner, created_at=at(MON, 13), network_bytes_in=MIB)
    ExecutionFactory(owner=owner, created_at=at(TUE))  # no network
    ExecutionFactory(owner=owner, created_at=at(date(2026, 11, 30)), network_bytes_in=MIB)


def test_network_bytes_add_up_per_day(network_runs):
    monday, tuesday = daily_stats(DateRange(MON, TUE))

    assert (monday.network_in, monday.network_out, monday.network_refused) == (4 * MIB, MIB, 2)
    assert (tuesday.network_in, tuesday.network_out, tuesday.network_refused) == (0, 0, 0)


def test_the_dashboard_shows_the_ranges_network_bandwidth(network_runs, staff_client):
    response = staff_client.get(reverse("operations_dashboard"), {"start": MON, "end": TUE})

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Network bandwidth" in page
    assert "5 MiB" in page
    assert "in 4 MiB · out 1 MiB · 2 refused" in page
    assert "Mon 23 · Received: 4 MiB" in page or "Nov 23 · Received: 4 MiB" in page


def test_a_range_without_traffic_says_so_not_that_it_had_no_runs(owner, staff_client):
    ExecutionFactory(owner=owner, created_at=at(date(2026, 11, 23)))

    response = staff_client.get(reverse("operations_dashboard"), {"start": MON, "end": TUE})

    page = response.content.decode()
    assert page.count("No network traffic in this range") == 1
    assert "No runs in this range" not in page


def test_a_tier_network_cap_is_recorded_with_the_run(owner):
    Tier.objects.filter(quotas__user=owner).update(network_max_bytes=12_345)

    execution = start(owner, network={"mode": "allow_list", "allow": ["api.example.com"]})

    assert execution.snapshot["network"]["max_bytes"] == 12_345
