"""Retention: runs older than their owner's tier keeps them (or than an operator's number
of days) are deleted with their output and files (their contents in storage once no
other file holds them), after their usage is added to the
daily totals the operations dashboard reads (UsageDay)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from quotas.models import Reservation, Tier
from sandboxes.models import Execution, ExecutionFile, ExecutionInput, OutputChunk, UsageDay
from sandboxes.services.stored_files import stored_files_delete

BATCH = 500  # runs per transaction: a long prune never holds one huge transaction


@dataclass(frozen=True)
class Pruned:
    executions: int = 0
    output_chunks: int = 0
    files: int = 0


def executions_prunable(*, older_than_days: int | None = None, now: datetime | None = None):
    """Ended runs past retention: `older_than_days` for everyone, else each owner's tier's
    retention_days (a tier without one keeps its runs forever)."""
    now = now or timezone.now()
    ended = Execution.objects.exclude(status__in=Execution.ACTIVE)
    if older_than_days is not None:
        return ended.filter(created_at__lt=now - timedelta(days=older_than_days))
    past = Q(pk__in=[])
    for tier in Tier.objects.filter(retention_days__isnull=False):
        cutoff = now - timedelta(days=tier.retention_days)
        past |= Q(owner__quota__tier=tier, created_at__lt=cutoff)
    return ended.filter(past)


def executions_prune_count(*, executions: QuerySet[Execution]) -> Pruned:
    """What `executions_prune` would delete (a dry run)."""
    return Pruned(
        executions=executions.count(),
        output_chunks=OutputChunk.objects.filter(execution__in=executions).count(),
        files=ExecutionFile.objects.filter(execution__in=executions).count(),
    )


def executions_prune(*, executions: QuerySet[Execution]) -> Pruned:
    """Delete these runs (their output, files and settled reservations go with them), their
    usage first added to UsageDay, in batches of one transaction each."""
    total = Pruned()
    while ids := list(executions.values_list("pk", flat=True)[:BATCH]):
        done = _prune_batch(ids)
        total = Pruned(
            *(a + b for a, b in zip(vars(total).values(), vars(done).values(), strict=True))
        )
    return total


@transaction.atomic
def _prune_batch(ids: list) -> Pruned:
    batch = Execution.objects.filter(pk__in=ids)
    _usage_add(batch)
    reservations = list(batch.exclude(reservation=None).values_list("reservation_id", flat=True))
    pruned = executions_prune_count(executions=batch)
    stored_files_delete(ExecutionFile.objects.filter(execution__in=batch))
    stored_files_delete(ExecutionInput.objects.filter(execution__in=batch))
    batch.delete()
    Reservation.objects.filter(pk__in=reservations, settled_at__isnull=False).delete()
    return pruned


def _usage_add(executions: QuerySet[Execution]) -> None:
    memory = Cast("peak_memory_bytes", FloatField()) * Cast("wall_ms", FloatField()) / 1000.0
    rows = (
        executions.annotate(day=TruncDate("created_at"))
        .values("day", "owner_id", "runtime", "status")
        .annotate(
            runs=Count("pk"),
            compute=Sum("compute_seconds_charged"),
            memory=Sum(memory, output_field=FloatField()),
            network_in=Sum("network_bytes_in"),
            network_out=Sum("network_bytes_out"),
            network_refused=Sum("network_blocked_count"),
        )
        .order_by()
    )
    for row in rows:
        key = {k: row[k] for k in ("day", "owner_id", "runtime", "status")}
        UsageDay.objects.get_or_create(**key)
        UsageDay.objects.filter(**key).update(
            runs=F("runs") + row["runs"],
            compute_seconds=F("compute_seconds") + (row["compute"] or 0),
            memory_byte_seconds=F("memory_byte_seconds") + (row["memory"] or 0.0),
            network_bytes_in=F("network_bytes_in") + (row["network_in"] or 0),
            network_bytes_out=F("network_bytes_out") + (row["network_out"] or 0),
            network_refused=F("network_refused") + (row["network_refused"] or 0),
        )
