"""Metrics change as runs happen: read back from the Prometheus exposition."""

from __future__ import annotations

import urllib.request

import pytest
from channels.db import database_sync_to_async

from operations import metrics
from quotas.exceptions import QuotaExceeded
from quotas.models import Quota
from sandboxes.engine import RunResult, Status
from sandboxes.models import Execution
from sandboxes.runs.ending import execution_end
from sandboxes.runs.kill_switch import RunsPaused
from sandboxes.runs.start import execution_start
from tests.factories import ExecutionFactory, UserFactory
from tests.operations.metrics import Metrics
from tests.waiting import await_status

pytestmark = pytest.mark.django_db

PY = {"runtime": "python3.13"}


def start(user, code=b"print('hi')\n"):
    return execution_start(user=user, runtime="python", files={"main.py": code}, entry="main.py")


def result(status=Status.SUCCEEDED, wall=0.4) -> RunResult:
    return RunResult(
        status=status, exit_code=0, signal=None, wall_seconds=wall, cpu_seconds=0.3,
        peak_memory_bytes=32 * 2**20, output_truncated=False, files={}, deleted_files=(),
        runtime_version="3.13.0",
    )  # fmt: skip


def test_a_started_run_counts_by_runtime(owner, read_metrics):
    before = read_metrics()

    execution = start(owner)

    after = read_metrics()
    assert execution.runtime == "python3.13"
    assert after.value("codesandboxes_runs_started_total", **PY) == (
        before.value("codesandboxes_runs_started_total", **PY) + 1
    )


def test_a_finished_run_counts_its_status_duration_output_and_compute(owner, read_metrics):
    execution = start(owner)
    before = read_metrics()

    # Its pipeline stored 1,234 bytes of output before the end.
    execution_end(execution.pk, status="failed", result=result(wall=2.2), output_bytes=1234)

    after = read_metrics()

    def grew(name, **labels):
        return after.value(name, **labels) - before.value(name, **labels)

    assert grew("codesandboxes_runs_finished_total", status="failed", **PY) == 1
    assert grew("codesandboxes_runs_finished_total", status="succeeded", **PY) == 0
    assert grew("codesandboxes_run_duration_seconds_count", **PY) == 1
    assert grew("codesandboxes_run_duration_seconds_sum", **PY) == pytest.approx(2.2)
    assert grew("codesandboxes_run_duration_seconds_bucket", le="2.5", **PY) == 1
    assert grew("codesandboxes_run_duration_seconds_bucket", le="1.0", **PY) == 0
    assert grew("codesandboxes_run_output_bytes_total", **PY) == 1234
    assert grew("codesandboxes_compute_seconds_total", **PY) == 3  # 2.2 s charged as 3


def test_finishing_a_run_twice_counts_it_once(owner, read_metrics):
    execution = start(owner)
    execution_end(execution.pk, status="succeeded", result=result())
    before = read_metrics()

    execution_end(execution.pk, status="succeeded", result=result())

    after = read_metrics()
    name = "codesandboxes_runs_finished_total"
    assert after.value(name, **PY) == before.value(name, **PY)


def test_the_queue_wait_is_observed_once_a_worker_picked_the_run_up(owner, read_metrics):
    execution = start(owner)
    queued_at = execution.timeline[0][1]
    Execution.objects.filter(pk=execution.pk).update(
        status="running", timeline=[["queued", queued_at], ["preparing", queued_at]]
    )
    before = read_metrics().value("codesandboxes_run_queue_wait_seconds_count", **PY)

    execution_end(execution.pk, status="succeeded", result=result())

    assert read_metrics().value("codesandboxes_run_queue_wait_seconds_count", **PY) == before + 1


def test_a_quota_refusal_counts_by_the_limit_hit(owner, read_metrics):
    Quota.objects.filter(user=owner).update(runs_used=50)
    name = "codesandboxes_quota_rejections_total"
    before = read_metrics()

    with pytest.raises(QuotaExceeded):
        start(owner)

    after = read_metrics()
    assert after.value(name, limit="monthly_executions") == (
        before.value(name, limit="monthly_executions") + 1
    )
    assert after.value(name, limit="concurrency") == before.value(name, limit="concurrency")
    assert after.value("codesandboxes_runs_finished_total", status="rejected", **PY) == (
        before.value("codesandboxes_runs_finished_total", status="rejected", **PY) + 1
    )


def test_active_runs_are_read_from_the_database_by_runtime_and_status(read_metrics):
    user = UserFactory()
    for status in ("queued", "queued", "running", "succeeded"):
        ExecutionFactory(owner=user, status=status)
    ExecutionFactory(owner=user, status="running", runtime="node22")

    reading = read_metrics()

    assert reading.value("codesandboxes_runs_active", status="queued", **PY) == 2
    assert reading.value("codesandboxes_runs_active", status="running", **PY) == 1
    assert reading.value("codesandboxes_runs_active", status="running", runtime="node22") == 1
    assert reading.value("codesandboxes_runs_active", status="succeeded") == 0


def test_the_kill_switch_is_a_gauge(kill_switch, read_metrics):
    assert read_metrics().value("codesandboxes_runs_paused") == 0

    kill_switch.runs_paused = True
    kill_switch.save()

    assert read_metrics().value("codesandboxes_runs_paused") == 1


def test_a_run_refused_by_the_kill_switch_counts(kill_switch, owner, read_metrics):
    kill_switch.runs_paused = True
    kill_switch.save()
    before = read_metrics()

    with pytest.raises(RunsPaused):
        start(owner)

    refused = "codesandboxes_runs_refused_paused_total"
    assert read_metrics().value(refused) == before.value(refused) + 1


def test_package_cache_hits_misses_and_install_times_come_from_the_engine(process_metrics):
    observer = metrics.EngineMetrics()
    requests = "codesandboxes_package_cache_requests_total"
    before = process_metrics()

    observer.packages_prepared(language="python", outcome="hit", seconds=0.002)
    observer.packages_prepared(language="python", outcome="built", seconds=12.5)
    observer.packages_prepared(language="node", outcome="failed", seconds=3.0)

    after = process_metrics()
    assert (
        after.value(requests, language="python", result="hit")
        - before.value(requests, language="python", result="hit")
        == 1
    )
    assert (
        after.value(requests, language="python", result="miss")
        - before.value(requests, language="python", result="miss")
        == 1
    )
    install = "codesandboxes_package_install_seconds_count"
    assert after.value(install, language="python") - before.value(install, language="python") == 1
    assert after.value(install, language="node") - before.value(install, language="node") == 1


def test_the_package_cache_size_is_read_from_its_folder(settings, tmp_path, read_metrics):
    settings.SANDBOX_PACKAGES_DIR = str(tmp_path)
    environment = tmp_path / ("a" * 64)
    environment.mkdir()
    (environment / "manifest.json").write_text('{"size": 4096, "packages": ["requests"]}')

    reading = read_metrics()

    assert reading.value("codesandboxes_package_cache_bytes") == 4096
    assert reading.value("codesandboxes_package_cache_environments") == 1


def test_a_worker_process_serves_its_own_metrics_on_a_port():
    server, thread = metrics.serve(0)
    try:
        port = server.server_address[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
            reading = Metrics(answer.read().decode())
    finally:
        server.shutdown()
        thread.join(5)

    assert reading.has("process_cpu_seconds_total")
    assert reading.has("codesandboxes_package_cache_bytes")
    # A worker never repeats the installation-wide gauges (a sum would double them).
    assert not reading.has("codesandboxes_runs_active")


@pytest.mark.sandbox
@pytest.mark.django_db(transaction=True)
async def test_a_real_run_records_its_cold_start_queue_wait_and_duration(
    live_dispatcher, process_metrics, owner
):
    before = process_metrics()

    execution = await database_sync_to_async(start)(owner, b"print('measured')\n")
    execution = await await_status(execution)

    after = process_metrics()
    runtime = {"runtime": execution.runtime}
    assert execution.status == "succeeded"
    for name in (
        "codesandboxes_sandbox_start_seconds_count",
        "codesandboxes_run_queue_wait_seconds_count",
        "codesandboxes_run_duration_seconds_count",
    ):
        assert after.value(name, **runtime) == before.value(name, **runtime) + 1, name
    finished_ok = "codesandboxes_runs_finished_total"
    assert after.value(finished_ok, status="succeeded", **runtime) == (
        before.value(finished_ok, status="succeeded", **runtime) + 1
    )
