"""Cancelling a run: whoever holds it stops it; a run nobody holds ends here."""

from __future__ import annotations

from sandboxes.models import Execution
from sandboxes.runs.dispatch import get_dispatcher
from sandboxes.runs.ending import execution_end


def execution_cancel(*, execution: Execution) -> bool:
    """Stop an active execution. Returns False if it had already ended."""
    requested = Execution.objects.filter(pk=execution.pk, status__in=Execution.ACTIVE).update(
        cancel_requested=True
    )
    if not requested:
        return False
    if not get_dispatcher().cancel(execution.pk):
        # No task holds it (it never started here): nothing else will end it.
        execution_end(execution.pk, status=Execution.Status.CANCELLED)
    return True
