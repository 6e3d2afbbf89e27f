"""Ending a run that its pipeline could not end itself, and telling its watchers."""

from __future__ import annotations

import logging
from datetime import datetime

from channels.db import database_sync_to_async

from sandboxes.events import execution_event_send

logger = logging.getLogger(__name__)


async def end_in_error(execution_id: str) -> None:
    from sandboxes.models import Execution
    from sandboxes.pipeline import exit_event
    from sandboxes.services.executions import execution_finish

    try:
        execution = await database_sync_to_async(execution_finish)(
            execution_id=execution_id,
            status=Execution.Status.ERROR,
            error="The service failed while running this; it has been logged.",
        )
        await execution_event_send(execution_id, exit_event(execution))
    except Exception:
        logger.exception("execution %s could not be ended", execution_id)


async def end_as_lost(execution_id, *, reason: str, seen_until: datetime | None) -> bool:
    """End an active run as lost, charged for the time it was seen running (up to
    `seen_until`), and tell its watchers. False if it had already ended."""
    from sandboxes.pipeline import exit_event
    from sandboxes.services.workers import execution_lose

    execution = await database_sync_to_async(execution_lose)(
        execution_id=execution_id, reason=reason, seen_until=seen_until
    )
    if execution is None:
        return False
    await execution_event_send(execution_id, exit_event(execution))
    return True
