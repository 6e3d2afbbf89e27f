"""The operators' kill switch: while it is on, every new run is refused with their message,
whatever starts it (the editor, the API, re-runs all go through `execution_start`). Runs
already queued or running carry on."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from sandboxes.models import KillSwitch
from sandboxes.runs.events import observers_tell, run_refused


class RunsPaused(ValidationError):
    """New runs are refused: an operator turned the kill switch on.

    A ValidationError, so a caller that shows why a run was refused shows this too; the
    API answers it with 503 (the service is unavailable, not the request wrong)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="runs_paused")
        self.message = message


def runs_paused_check(*, user, runtime: str) -> None:
    """Raise RunsPaused while the kill switch is on (the start service calls this first);
    observers hear of the refusal (`run_refused`)."""
    message = KillSwitch.paused_message()
    if message is not None:
        refusal = RunsPaused(message)
        observers_tell(run_refused, user=user, runtime=runtime, refusal=refusal)
        raise refusal
