"""Cancel from the web side reaches the worker process running the run, and stops it."""

from __future__ import annotations

import time

from quotas.models import Quota
from sandboxes.models import Execution
from sandboxes.runs.cancel import execution_cancel
from tests.workers.cluster import output_of, requires_cluster, start_run, wait_until

pytestmark = requires_cluster

LONG = "import time\nprint('started', flush=True)\ntime.sleep(60)\nprint('never')\n"


def running_with_output(execution) -> Execution:
    wait_until(execution, "running")
    for _ in range(200):
        if output_of(execution):
            return execution
        time.sleep(0.05)
    raise AssertionError("the program never printed")


def test_cancel_reaches_the_worker_running_the_run(cluster, runner):
    cluster.workers("worker-a", "worker-b", concurrency=1)
    first, second = start_run(runner, LONG), start_run(runner, LONG)
    running_with_output(first), running_with_output(second)
    assert {first.worker, second.worker} == {"worker-a", "worker-b"}

    assert execution_cancel(execution=first) is True
    wait_until(first, "cancelled", timeout=30)  # LONG would otherwise run on for minutes

    assert output_of(first) == "started\n"
    assert first.error == "Cancelled."
    # The run on the other worker goes on, untouched.
    second.refresh_from_db()
    assert second.status == "running"
    assert Quota.objects.get(user=runner).runs_active == 1
    execution_cancel(execution=second)
    wait_until(second, "cancelled", timeout=5)
    assert Quota.objects.get(user=runner).runs_active == 0


def test_a_run_cancelled_before_any_worker_took_it_never_starts(cluster, runner):
    execution = start_run(runner, LONG)

    assert execution_cancel(execution=execution) is True
    execution.refresh_from_db()
    assert execution.status == "cancelled"

    (worker,) = cluster.workers("worker-a")
    after = start_run(runner, "print('next')\n")  # the worker is taking jobs
    wait_until(after, "succeeded")
    execution.refresh_from_db()
    assert execution.status == "cancelled"
    assert [status for status, _at in execution.timeline] == ["queued", "cancelled"]
    assert worker.started(execution.pk) == 0
