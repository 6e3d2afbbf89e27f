"""A run moving on while it is active: queued → preparing → running (its end: ending.py)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from sandboxes.ids import ExecutionId
from sandboxes.models import Execution


def execution_transition(
    *,
    execution_id: ExecutionId,
    timeline: list,
    statuses: Sequence[str],
    worker: str | None = None,
) -> list | None:
    """Move an active execution on through `statuses` (preparing, running) in one
    conditional UPDATE; the new timeline, or None if the run has already ended. `worker`:
    the process that runs it, recorded as it starts.

    `timeline` is the run's timeline as its own task holds it: only that task writes the
    timeline of an active run (whoever ends it, under the row lock, makes it inactive
    first, and this UPDATE then matches nothing)."""
    now = timezone.now().isoformat()
    timeline = [*timeline, *([status, now] for status in statuses)]
    fields = {"worker": worker} if worker is not None else {}
    updated = Execution.objects.filter(pk=execution_id, status__in=Execution.ACTIVE).update(
        status=statuses[-1], timeline=timeline, **fields
    )
    return timeline if updated else None
