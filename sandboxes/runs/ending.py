"""The one way a run ends: `execution_end`, whoever ends it and why.

The pipeline ends the runs it ran (finished, failed, cancelled, in error); the lost-worker
watch and the server's start-up sweep end runs nobody runs any more (lost); cancel ends a
run nobody had started; an operator ends stuck runs from the admin. Each call records the
end under the row lock, so a run ends exactly once: its quota is settled once, its produced
files are kept once, its watchers get the end event once (after the commit), and
operations' observers hear of it once (`run_ended`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from quotas.services import quota_settle
from sandboxes.engine import RunResult
from sandboxes.ids import ExecutionId
from sandboxes.models import Execution
from sandboxes.network import network_hint
from sandboxes.runs.events import (
    Chunk,
    end_event,
    execution_events_send_sync,
    observers_tell,
    output_event,
    run_ended,
)
from sandboxes.runs.output import output_bytes_stored, output_store
from sandboxes.runs.produced import produced_files_keep


def execution_end(
    execution_id: ExecutionId,
    *,
    status: str,
    error: str = "",
    result: RunResult | None = None,
    wall_seconds: float = 0.0,
    seen_until: datetime | None = None,
    install_seconds: float = 0.0,
    output: Sequence[Chunk] = (),
    output_bytes: int | None = None,
    network_failure_seen: bool = False,
) -> Execution | None:
    """End an active run as `status` with `error` (the reason, in words) and the last of
    its `output`; None if it had already ended.

    - `result`: the engine's, for a run that ran (its exit, usage, produced files);
    - `wall_seconds`: what to charge when there is no result; `seen_until`: instead, the
      time it was seen running up to (a dead worker's last heartbeat);
    - `install_seconds`: preparing its packages, charged on top (a cached set costs 0);
    - `network_failure_seen`: its output said a name did not resolve or a network was
      unreachable; with no network, its error then says how to give it one;
    - `output_bytes`: what its output stored before `output` holds (its pipeline counts
      it; None: counted from the stored chunks).
    """
    with transaction.atomic():
        execution = (
            Execution.objects.select_for_update(of=("self",))
            .select_related("reservation", "sandbox")
            .filter(pk=execution_id, status__in=Execution.ACTIVE)
            .first()
        )
        if execution is None:
            return None
        if output_bytes is None:
            output_bytes = output_bytes_stored(execution_id)
        execution.output_bytes = output_bytes + output_store(execution_id, output)
        now = timezone.now()
        execution.status = status
        execution.timeline = [*execution.timeline, [status, now.isoformat()]]
        execution.finished_at = now
        execution.error = error or (result.error if result else "")
        if seen_until is not None:
            wall_seconds = execution.seconds_running_until(seen_until)
        if result is not None:
            wall_seconds = result.wall_seconds
            _record_result(execution, result, network_failure_seen=network_failure_seen)
        if execution.reservation is not None:
            _settle(execution, wall_seconds=wall_seconds, install_seconds=install_seconds)
        execution.save()
        events = [output_event(output)] if output else []
        events.append(end_event(execution))
        # Watchers read the database when told: told once it is committed.
        transaction.on_commit(lambda: execution_events_send_sync(execution_id, events), robust=True)
    # Once committed: a commit that fails (the pipeline tries again) tells nobody.
    observers_tell(run_ended, execution=execution)
    return execution


def _record_result(execution: Execution, result: RunResult, *, network_failure_seen: bool):
    execution.exit_code = result.exit_code
    execution.signal = result.signal
    execution.runtime_version = result.runtime_version
    execution.wall_ms = round(result.wall_seconds * 1000)
    execution.cpu_ms = round(result.cpu_seconds * 1000)
    execution.peak_memory_bytes = result.peak_memory_bytes
    execution.output_truncated = result.output_truncated
    execution.network_bytes_in = result.network_bytes_in
    execution.network_bytes_out = result.network_bytes_out
    execution.network_blocked_count = result.network_blocked_count
    execution.network_blocked = list(result.network_blocked)
    hint = network_hint(
        mode=execution.network["mode"],
        blocked=result.network_blocked,
        blocked_count=result.network_blocked_count,
        failure_seen=network_failure_seen,
    )
    execution.error = " ".join(part for part in (execution.error, hint) if part)
    produced_files_keep(execution, result)


def _settle(execution: Execution, *, wall_seconds: float, install_seconds: float) -> None:
    # Installing its packages is charged too (a cached set costs nothing), on top of what
    # the run reserved: see quota_settle.
    installed = round(install_seconds)
    quota_settle(
        reservation=execution.reservation,
        compute_seconds=wall_seconds,
        vcpus=execution.vcpus,
        install_seconds=installed,
    )
    execution.install_seconds_charged = installed
    # In vCPU-seconds: wall time times vCPUs, rounded up, within what it reserved.
    execution.compute_seconds_charged = installed + min(
        math.ceil(wall_seconds * execution.vcpus), execution.reservation.seconds_reserved
    )
