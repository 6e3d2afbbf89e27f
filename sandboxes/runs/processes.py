"""Which process holds a run: its name ("<host>:<pid>") and whether it is still alive."""

from __future__ import annotations

import logging
import os
import socket

from config.numbers import ascii_int
from sandboxes.models import Execution
from sandboxes.runs.ending import execution_end

RESTARTED = "The server restarted while this run was in progress."

logger = logging.getLogger(__name__)


def process_name() -> str:
    """This process, as a run's holder (Execution.worker) and a worker's name."""
    return f"{socket.gethostname()}:{os.getpid()}"


def process_alive(name: str) -> bool:
    """Whether the process `name` (of this host) still runs."""
    if (pid := ascii_int(name.rpartition(":")[2])) is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def runs_abandoned_end(*, alive: str) -> int:
    """At server start: end as lost the active runs a process of this host held (queued in
    it, or running) that is not alive any more; how many. Runs of live processes, of other
    hosts, and runs waiting for a worker to take them (no holder yet) are left alone."""
    host = alive.rpartition(":")[0]
    ours = Execution.objects.filter(
        status__in=Execution.ACTIVE, worker__startswith=f"{host}:"
    ).exclude(worker=alive)
    ended = 0
    for execution_id, worker in ours.values_list("pk", "worker"):
        if process_alive(worker):
            continue
        try:
            ended += (
                execution_end(execution_id, status=Execution.Status.LOST, error=RESTARTED)
                is not None
            )
        except Exception:  # one bad row must not leave the others "running" forever
            logger.exception("could not end abandoned execution %s", execution_id)
    return ended
