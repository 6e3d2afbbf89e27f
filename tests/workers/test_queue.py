"""Two worker processes take runs from one queue: each run once, on one of them."""

from __future__ import annotations

from sandboxes.models import Execution
from sandboxes.runs.dispatch.jobs import job_rows
from tests.waiting import wait_for, wait_for_status
from tests.workers.cluster import output_of, requires_cluster, start_run

pytestmark = requires_cluster

# Long enough that one worker cannot take every run before the other asks, even when a
# loaded machine keeps the other waiting for its turn a while.
PROGRAM = "import time\ntime.sleep(2)\nprint('run {}')\n"


def test_two_workers_share_the_queue_and_run_each_execution_once(cluster, runner):
    first, second = cluster.workers("worker-a", "worker-b", concurrency=2)

    executions = [start_run(runner, PROGRAM.format(n)) for n in range(8)]

    executions = [wait_for_status(execution, "succeeded") for execution in executions]
    for n, execution in enumerate(executions):
        assert output_of(execution) == f"run {n}\n"
        assert [status for status, _at in execution.timeline].count("running") == 1
        assert first.started(execution.pk) + second.started(execution.pk) == 1
    # Each worker took some, and each run names the worker that ran it.
    assert {e.worker for e in executions} == {"worker-a", "worker-b"}


def test_variables_travel_sealed_and_reach_the_program(cluster, runner):
    execution = start_run(
        runner, "import os\nprint(os.environ['API_KEY'])\n", env={"API_KEY": "hunter2-secret"}
    )
    # Queued before any worker exists: the job's arguments hold no plain-text secret.
    (args,) = job_rows().values_list("args", flat=True)
    assert args["execution_id"] == str(execution.pk)
    assert "hunter2-secret" not in str(args)

    cluster.workers("worker-a")

    execution = wait_for_status(execution, "succeeded")
    assert output_of(execution) == "hunter2-secret\n"
    assert execution.snapshot["env_names"] == ["API_KEY"]
    # A finished run's job is gone (the worker deletes it just after the run ends).
    wait_for(lambda: not job_rows().exists(), "the finished job to be deleted")
    assert Execution.objects.get(pk=execution.pk).worker == "worker-a"
