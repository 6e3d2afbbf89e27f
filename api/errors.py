"""The API's error answers: always JSON, ``{"error": message, ...}``."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils import timezone

from quotas.exceptions import QuotaExceeded
from sandboxes.runs.kill_switch import RunsPaused

# A concurrency refusal has no reset time: a slot frees when one of the user's runs ends.
CONCURRENCY_RETRY_SECONDS = 5
# How long the kill switch stays on is an operator's decision: a hint, not a promise.
PAUSED_RETRY_SECONDS = 300


class ApiError(Exception):
    """Raised anywhere below a view; the endpoint decorator turns it into the answer."""

    def __init__(
        self, http_status: int, message: str, /, *, headers: dict[str, str] | None = None, **fields
    ):
        super().__init__(message)
        self.status = http_status
        self.message = message
        self.headers = headers or {}
        self.fields = fields

    def response(self) -> JsonResponse:
        response = JsonResponse({"error": self.message, **self.fields}, status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        return response


def invalid(error: ValidationError) -> ApiError:
    """400 naming the field: {"error": message, "field": name}."""
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.message_dict.items()))
        return ApiError(400, errors[0], field=None if field == "__all__" else field)
    return ApiError(400, error.messages[0], field=None)


def quota_refused(refusal: QuotaExceeded) -> ApiError:
    """429 with the limit hit, when it frees up, and the refused run's id."""
    if refusal.resets_at is None:
        retry_after = CONCURRENCY_RETRY_SECONDS
    else:
        retry_after = max(1, math.ceil((refusal.resets_at - timezone.now()).total_seconds()))
    execution = getattr(refusal, "execution", None)
    return ApiError(
        429,
        refusal.message,
        headers={"Retry-After": str(retry_after)},
        limit=refusal.limit,
        resetsAt=refusal.resets_at.isoformat() if refusal.resets_at else None,
        executionId=str(execution.pk) if execution is not None else None,
    )


def runs_paused(paused: RunsPaused) -> ApiError:
    """503: the operators stopped new runs for now (the kill switch), whatever was asked."""
    return ApiError(503, paused.message, headers={"Retry-After": str(PAUSED_RETRY_SECONDS)})


def not_found(message: str = "Not found.") -> ApiError:
    return ApiError(404, message)
