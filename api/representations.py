"""What the API answers: executions as JSON objects (camelCase keys), quota headers."""

from __future__ import annotations

from django.urls import reverse

from quotas import clock
from quotas.selectors import quota_get
from sandboxes.models import Execution, ExecutionFile

# Ends where the service, not the program, stopped the run: their final event is "error".
SERVICE_FAILURES = frozenset(
    {Execution.Status.ERROR, Execution.Status.LOST, Execution.Status.REJECTED}
)


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def execution_end_fields(execution: Execution) -> dict:
    """How a run ended: the final SSE event's fields, and part of every other view."""
    return {
        "executionId": str(execution.pk),
        "status": execution.status,
        "exitCode": execution.exit_code,
        "signal": execution.signal,
        "duration": execution.wall_ms,
        "error": execution.error or None,
        "outputTruncated": execution.output_truncated,
    }


def execution_summary(execution: Execution) -> dict:
    """One run in a list."""
    return {
        **execution_end_fields(execution),
        "runtime": execution.runtime,
        "runtimeVersion": execution.runtime_version or None,
        "timeout": execution.timeout_seconds,
        "createdAt": _iso(execution.created_at),
        "finishedAt": _iso(execution.finished_at),
        "url": reverse("api_execution", args=[execution.pk]),
    }


def execution_result(
    execution: Execution, *, output: dict[str, str], files: list[ExecutionFile]
) -> dict:
    """One run in full: the answer of `POST /api/sandbox` and `GET /api/executions/<id>`."""
    return {
        **execution_summary(execution),
        "stdout": output["stdout"],
        "stderr": output["stderr"],
        "cpuMs": execution.cpu_ms,
        "computeSecondsCharged": execution.compute_seconds_charged,
        "installSecondsCharged": execution.install_seconds_charged,
        "peakMemoryBytes": execution.peak_memory_bytes,
        "vcpus": (execution.resources or {}).get("vcpus"),
        "memoryMb": (execution.resources or {}).get("memory_mb"),
        "packages": execution.packages,
        "network": {key: execution.network[key] for key in ("mode", "allow", "deny")},
        "networkBytesIn": execution.network_bytes_in,
        "networkBytesOut": execution.network_bytes_out,
        "networkBlockedCount": execution.network_blocked_count,
        "networkBlocked": execution.network_blocked,
        "timeline": [{"status": status, "at": at} for status, at in execution.timeline],
        "filesSkippedCount": execution.files_skipped_count,
        "filesSkipped": [{"path": path, "reason": why} for path, why in execution.files_skipped],
        "files": [
            {
                "path": file.path,
                "size": file.size,
                "url": reverse("api_execution_file", args=[execution.pk, file.path]),
            }
            for file in files
        ],
    }


def final_event_type(status: str) -> str:
    return "error" if status in SERVICE_FAILURES else "exit"


def quota_headers(*, user) -> dict[str, str]:
    """What the user has left, sent with every run that started."""
    quota = quota_get(user=user)
    now = clock.now()
    runs, seconds = quota.runs_left(now), quota.compute_seconds_left(now)
    return {
        "X-Quota-Runs-Remaining": "unlimited" if runs is None else str(runs),
        "X-Quota-Compute-Seconds-Remaining": "unlimited" if seconds is None else str(seconds),
        "X-Quota-Resets-At": quota.period_end().isoformat(),
    }
