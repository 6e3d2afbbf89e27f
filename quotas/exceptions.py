from __future__ import annotations

from datetime import datetime
from typing import Literal

Limit = Literal["monthly_executions", "compute_seconds", "concurrency"]


class QuotaExceeded(Exception):
    """A run was refused: `limit` names the limit hit, `resets_at` is when it frees up
    (None for concurrency: a slot frees when a running run ends)."""

    def __init__(self, *, limit: Limit, message: str, resets_at: datetime | None = None):
        super().__init__(message)
        self.limit = limit
        self.message = message
        self.resets_at = resets_at
