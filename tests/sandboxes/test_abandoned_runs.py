"""A restarted server ends, as lost, the runs its previous process held and left behind,
and no one else's (issue 5: never "running" forever)."""

from __future__ import annotations

import os
import socket

import pytest

from sandboxes.models import Execution
from sandboxes.runs.processes import runs_abandoned_end
from tests.factories import ExecutionFactory

HOST = socket.gethostname()
DEAD_PID = 2**22 + 12345  # above any pid_max: no process has it
ME = f"{HOST}:{os.getpid()}"


def held_by(worker: str, status: str = Execution.Status.RUNNING) -> Execution:
    return ExecutionFactory(status=status, worker=worker)


def mark_abandoned() -> int:
    return runs_abandoned_end(alive=ME)


@pytest.mark.django_db
def test_a_run_a_dead_process_of_this_host_held_becomes_lost():
    running = held_by(f"{HOST}:{DEAD_PID}")
    queued = held_by(f"{HOST}:{DEAD_PID}", Execution.Status.QUEUED)

    assert mark_abandoned() == 2

    for execution in (running, queued):
        execution.refresh_from_db()
        assert execution.status == Execution.Status.LOST
        assert execution.error == "The server restarted while this run was in progress."


@pytest.mark.django_db
def test_runs_of_live_processes_of_other_hosts_and_of_the_queue_are_left_alone():
    ours = held_by(ME, Execution.Status.QUEUED)
    another_live_process = held_by(f"{HOST}:{os.getppid()}", Execution.Status.QUEUED)
    another_host = held_by(f"elsewhere.example:{DEAD_PID}")
    waiting_for_a_worker = held_by("", Execution.Status.QUEUED)

    assert mark_abandoned() == 0

    for execution in (ours, another_live_process, another_host, waiting_for_a_worker):
        status = execution.status
        execution.refresh_from_db()
        assert execution.status == status


@pytest.mark.django_db
def test_a_run_that_already_ended_is_not_touched():
    ended = held_by(f"{HOST}:{DEAD_PID}", Execution.Status.SUCCEEDED)

    assert mark_abandoned() == 0
    ended.refresh_from_db()
    assert ended.status == Execution.Status.SUCCEEDED
