from __future__ import annotations

from django.core.exceptions import ValidationError


class RunsPaused(ValidationError):
    """New runs are refused: an operator turned the kill switch on.

    A ValidationError, so a caller that shows why a run was refused shows this too; the
    API answers it with 503 (the service is unavailable, not the request wrong)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="runs_paused")
        self.message = message
