"""What operations hears from the run path (sandboxes/runs/events.py's signals, connected
in OperationsConfig.ready): each records metrics and writes one JSON log line; nothing here
changes any state.

Observability must never break a run: the run path sends the signals robustly
(`observers_tell`), so a failure here is logged and the run carries on.
"""

from __future__ import annotations

import logging

from django.dispatch import receiver

from operations import metrics
from operations.logs import log_event
from quotas.exceptions import QuotaExceeded
from sandboxes.runs.events import run_ended, run_refused, run_started
from sandboxes.runs.kill_switch import RunsPaused


def _ids(execution) -> dict:
    return {
        "execution_id": str(execution.pk),
        "user_id": execution.owner_id,
        "runtime": execution.runtime,
        "worker": execution.worker or None,
    }


def _ms(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds * 1000)


@receiver(run_started)
def execution_started(*, execution, **_signal) -> None:
    """Queued by the start service, its quota reserved."""
    metrics.RUNS_STARTED.labels(runtime=execution.runtime).inc()
    metrics.RUNS_BY_NETWORK.labels(mode=execution.network["mode"]).inc()
    log_event(
        "quota.reserved",
        **_ids(execution),
        seconds_reserved=execution.reservation.seconds_reserved,  # vCPU-seconds
    )
    log_event(
        "run.queued",
        **_ids(execution),
        packages=len(execution.packages),
        network=execution.network["mode"],
    )


@receiver(run_ended)
def execution_finished(*, execution, **_signal) -> None:
    runtime = execution.runtime
    metrics.RUNS_FINISHED.labels(runtime=runtime, status=execution.status).inc()
    steps = execution.seconds_in_statuses()
    if "preparing" in steps or "running" in steps:  # a worker picked it up
        metrics.QUEUE_WAIT.labels(runtime=runtime).observe(steps["queued"])
    if execution.wall_ms is not None:
        metrics.RUN_DURATION.labels(runtime=runtime).observe(execution.wall_ms / 1000)
    metrics.OUTPUT_BYTES.labels(runtime=runtime).inc(execution.output_bytes)
    charged = execution.compute_seconds_charged
    if charged:
        metrics.COMPUTE_SECONDS.labels(runtime=runtime).inc(charged)
    _network_finished(execution)
    level = logging.WARNING if execution.status in ("error", "lost") else logging.INFO
    log_event(
        "run.finished",
        level=level,
        **_ids(execution),
        status=execution.status,
        exit_code=execution.exit_code,
        wall_ms=execution.wall_ms,
        cpu_ms=execution.cpu_ms,
        peak_memory_bytes=execution.peak_memory_bytes,
        output_bytes=execution.output_bytes,
        compute_seconds_charged=charged,
        error=execution.error or None,
        queue_wait_ms=_ms(steps.get("queued")),
        prepare_ms=_ms(steps.get("preparing")),
        network_bytes_in=execution.network_bytes_in,
        network_bytes_out=execution.network_bytes_out,
        network_blocked=execution.network_blocked_count,
    )
    if execution.reservation_id is not None:
        log_event("quota.settled", **_ids(execution), seconds_charged=charged)


def _network_finished(execution) -> None:
    runtime = execution.runtime
    for direction, count in (
        ("in", execution.network_bytes_in),
        ("out", execution.network_bytes_out),
    ):
        if count:
            metrics.NETWORK_BYTES.labels(runtime=runtime, direction=direction).inc(count)
    if execution.network_blocked_count:
        metrics.NETWORK_REFUSALS.labels(runtime=runtime).inc(execution.network_blocked_count)
    if execution.status == "network_limited":
        metrics.NETWORK_LIMITED.labels(runtime=runtime).inc()


@receiver(run_refused)
def quota_refused(*, user, runtime: str, refusal, **_signal) -> None:
    """`refusal` is the QuotaExceeded, carrying the `rejected` execution recorded."""
    if not isinstance(refusal, QuotaExceeded):
        return
    execution = getattr(refusal, "execution", None)
    metrics.QUOTA_REJECTIONS.labels(limit=refusal.limit).inc()
    metrics.RUNS_FINISHED.labels(runtime=runtime, status="rejected").inc()
    log_event(
        "quota.refused",
        level=logging.WARNING,
        execution_id=str(execution.pk) if execution is not None else None,
        user_id=user.pk,
        runtime=runtime,
        limit=refusal.limit,
        reason=refusal.message,
    )


@receiver(run_refused)
def paused_refused(*, user, refusal, **_signal) -> None:
    """`refusal` is the RunsPaused: the kill switch is on."""
    if not isinstance(refusal, RunsPaused):
        return
    metrics.PAUSED_REFUSALS.inc()
    user_id = user.pk if user is not None else None
    log_event("run.refused_paused", level=logging.WARNING, user_id=user_id)
