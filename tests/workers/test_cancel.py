"""Cancel from the web side reaches the worker process running the run, and stops it."""

from __future__ import annotations

from quotas.models import Quota
from sandboxes.runs.cancel import execution_cancel
from tests.waiting import wait_for_status
from tests.workers.cluster import LONG, output_of, requires_cluster, running_with_output, start_run

pytestmark = requires_cluster


def test_cancel_reaches_the_worker_running_the_run(cluster, runner):
    cluster.workers("worker-a", "worker-b", concurrency=1)
    first, second = start_run(runner, LONG), start_run(runner, LONG)
    first, second = running_with_output(first), running_with_output(second)
    assert {first.worker, second.worker} == {"worker-a", "worker-b"}

    assert execution_cancel(execution=first) is True
    first = wait_for_status(first, "cancelled")  # LONG would otherwise run on for a minute

    assert output_of(first) == "started\n"
    assert first.error == "Cancelled."
    # The run on the other worker goes on, untouched.
    second.refresh_from_db()
    assert second.status == "running"
    assert Quota.objects.get(user=runner).runs_active == 1
    execution_cancel(execution=second)
    wait_for_status(second, "cancelled")
    assert Quota.objects.get(user=runner).runs_active == 0


def test_a_run_cancelled_before_any_worker_took_it_never_starts(cluster, runner):
    execution = start_run(runner, LONG)

    assert execution_cancel(execution=execution) is True
    execution.refresh_from_db()
    assert execution.status == "cancelled"

    (worker,) = cluster.workers("worker-a")
    after = start_run(runner, "print('next')\n")  # the worker is taking jobs
    wait_for_status(after, "succeeded")
    execution.refresh_from_db()
    assert execution.status == "cancelled"
    assert [status for status, _at in execution.timeline] == ["queued", "cancelled"]
    assert worker.started(execution.pk) == 0
