"""Runs whose worker is gone (a distributed worker killed, its host lost)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from sandboxes.models import Execution
from sandboxes.services.executions import execution_finish


@transaction.atomic
def execution_lose(*, execution_id, reason: str, seen_until: datetime | None) -> Execution | None:
    """End an active run as lost, charged only for the time it was seen running: from its
    start to `seen_until` (its worker's last heartbeat; None: never seen, nothing charged).
    Its quota slot is freed. Returns None if the run had already ended (someone else ended
    it first: only one caller tells its watchers)."""
    execution = (
        Execution.objects.select_for_update()
        .filter(pk=execution_id, status__in=Execution.ACTIVE)
        .first()
    )
    if execution is None:
        return None
    return execution_finish(
        execution_id=execution_id,
        status=Execution.Status.LOST,
        error=reason,
        wall_seconds=_seconds_seen_running(execution, seen_until),
    )


def _seconds_seen_running(execution: Execution, seen_until: datetime | None) -> float:
    started = next(
        (at for status, at in execution.timeline if status == Execution.Status.RUNNING), None
    )
    if started is None or seen_until is None:
        return 0.0
    return max(0.0, (seen_until - datetime.fromisoformat(started)).total_seconds())
