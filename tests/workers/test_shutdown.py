"""A worker stopped with SIGTERM: runs that finish within its grace period finish; the
rest are stopped and marked lost, never handed back to the queue; runs it had not taken
stay queued for the other workers."""

from __future__ import annotations

import time

from quotas.models import Quota
from sandboxes.runs.dispatch.jobs import job_rows
from tests.waiting import wait_for_status
from tests.workers.cluster import LONG, output_of, requires_cluster, running_with_output, start_run

pytestmark = requires_cluster

SHORT = "import time\nprint('working', flush=True)\ntime.sleep(1.5)\nprint('done')\n"
GRACE = 10.0  # SHORT's last 1.5 s and its end fit in it, on a loaded machine too
LONG_GRACE = 120.0


def test_sigterm_finishes_short_runs_and_stops_long_ones_as_lost(cluster, runner):
    (worker,) = cluster.workers("worker-a", concurrency=2, shutdown=GRACE)
    short = running_with_output(start_run(runner, SHORT))
    long = running_with_output(start_run(runner, LONG))
    waiting = start_run(runner, "print('later')\n")  # no free slot: stays queued

    asked = time.monotonic()
    assert worker.terminate(timeout=GRACE + 10) == 0
    took = time.monotonic() - asked

    assert took >= GRACE  # it gave the long run its grace period first
    short = wait_for_status(short, "succeeded")
    assert output_of(short) == "working\ndone\n"
    long = wait_for_status(long, "lost")
    assert long.error  # says why
    assert long.compute_seconds_charged >= GRACE  # it ran through the grace period
    assert output_of(long) == "started\n"
    assert Quota.objects.get(user=runner).runs_active == 1  # the queued one
    # The run it never took is still queued, for the next worker; the stopped one is not.
    waiting.refresh_from_db()
    assert waiting.status == "queued"
    assert list(job_rows().values_list("args__execution_id", flat=True)) == [str(waiting.pk)]
    (successor,) = cluster.workers("worker-b")
    assert wait_for_status(waiting, "succeeded").worker == "worker-b"
    wait_for_status(start_run(runner, "print('next')\n"), "succeeded")
    assert successor.started(long.pk) == 0
    long.refresh_from_db()
    assert long.status == "lost"


def test_an_idle_worker_stops_at_once(cluster):
    # With nothing to finish it must not sit out its grace period: a long one, far beyond
    # what a loaded machine needs to stop a process, shows the difference.
    (worker,) = cluster.workers("worker-a", shutdown=LONG_GRACE)

    assert worker.terminate(timeout=LONG_GRACE / 4) == 0
