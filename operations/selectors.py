"""Reads for the dashboard, the metrics and the alerts: aggregates in the database.

Every query is bounded by an indexed date range (`created_at`) or by the active runs
(a partial index, see migrations/0001), and groups in SQL, so the cost grows with the
days shown, not with the rows read back. Latency percentiles come from bucket counts
per day, estimated as Prometheus' histogram_quantile() does, so that they stay one
portable query on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from operations.costs import Usage
from sandboxes.engine.runtimes import language_of
from sandboxes.models import Execution, PackageUsage, Sandbox, UsageDay

Status = Execution.Status
# The platform failed the run (the sandbox broke, a worker died): what operators fix.
ERROR_STATUSES = (Status.ERROR, Status.LOST)
TIMEOUT_STATUSES = (Status.TIMED_OUT,)
# Upper bounds (ms) of the latency buckets; runs over the last one count as the last one.
LATENCY_BOUNDS_MS = (
    10, 25, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000,
    30_000, 60_000, 120_000, 300_000, 900_000, 3_600_000, 18_000_000,
)  # fmt: skip
QUANTILES = (0.5, 0.95, 0.99)
RECENT_ENOUGH = timedelta(days=1)


def memory_byte_seconds() -> Sum:
    """Peak memory times wall time, summed (floats: the product overflows 64-bit sums)."""
    product = Cast("peak_memory_bytes", FloatField()) * Cast("wall_ms", FloatField()) / 1000.0
    return Sum(product, output_field=FloatField())


def active_runs_by_runtime_and_status() -> dict[tuple[str, str], int]:
    rows = (
        Execution.objects.filter(status__in=Execution.ACTIVE)
        .values_list("runtime", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {(runtime, status): count for runtime, status, count in rows}


@dataclass(frozen=True)
class DateRange:
    """Whole UTC days, both ends included."""

    first: date
    last: date

    @classmethod
    def last_days(cls, days: int, today: date | None = None) -> DateRange:
        today = today or timezone.now().date()
        return cls(today - timedelta(days=days - 1), today)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def starts(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=UTC)

    @property
    def ends(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=UTC)

    def executions(self) -> QuerySet[Execution]:
        return Execution.objects.filter(created_at__gte=self.starts, created_at__lt=self.ends)

    def pruned(self) -> QuerySet[UsageDay]:
        """The usage of runs of these days that retention deleted (no latencies kept)."""
        return UsageDay.objects.filter(day__gte=self.first, day__lte=self.last)


class EndRates:
    """Error and timeout rates (in %) of runs that ended: for a record with `ended`,
    `errors` and `timeouts` counts."""

    ended: int
    errors: int
    timeouts: int

    @property
    def error_rate(self) -> float | None:
        return rate(self.errors, self.ended)

    @property
    def timeout_rate(self) -> float | None:
        return rate(self.timeouts, self.ended)


@dataclass
class DayStats(EndRates):
    day: date
    runs: dict[str, int] = field(default_factory=lambda: {"python": 0, "node": 0})
    rejected: int = 0
    ended: int = 0  # reached a sandbox (or was cancelled in the queue) and ended
    errors: int = 0
    timeouts: int = 0
    usage: Usage = field(default_factory=Usage)
    network_in: int = 0  # bytes runs received over their network
    network_out: int = 0
    network_refused: int = 0  # connections and lookups their policies refused
    # Runs that took at most each of LATENCY_BOUNDS_MS, cumulative, then all timed runs.
    latency_buckets: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BOUNDS_MS) + 1))

    @property
    def latency(self) -> dict[float, float | None]:
        """Quantile -> seconds (None when nothing ran)."""
        return {q: estimate_quantile(q, self.latency_buckets) for q in QUANTILES}

    @property
    def total(self) -> int:
        return sum(self.runs.values())


def rate(part: int, whole: int) -> float | None:
    """part of whole in %, None when there is nothing to divide."""
    return None if not whole else 100 * part / whole


def daily_stats(period: DateRange) -> list[DayStats]:
    days = {day: DayStats(day) for day in period.days}
    rows = (
        period.executions()
        .annotate(day=TruncDate("created_at"))
        .values("day", "runtime", "status")
        .annotate(
            count=Count("pk"),
            compute=Sum("compute_seconds_charged"),
            memory=memory_byte_seconds(),
            network_in=Sum("network_bytes_in"),
            network_out=Sum("network_bytes_out"),
            network_refused=Sum("network_blocked_count"),
        )
        .order_by()
    )
    pruned = (
        period.pruned()
        .values("day", "runtime", "status")
        .annotate(
            count=Sum("runs"),
            compute=Sum("compute_seconds"),
            memory=Sum("memory_byte_seconds"),
            network_in=Sum("network_bytes_in"),
            network_out=Sum("network_bytes_out"),
            network_refused=Sum("network_refused"),
        )
        .order_by()
    )
    for row in [*rows, *pruned]:
        stats = days.get(row["day"])
        if stats is None:
            continue
        stats.network_in += row["network_in"] or 0
        stats.network_out += row["network_out"] or 0
        stats.network_refused += row["network_refused"] or 0
        status, count = row["status"], row["count"]
        stats.runs[language_of(row["runtime"])] += count
        if status == Status.REJECTED:
            stats.rejected += count
            continue
        if status not in Execution.ACTIVE:
            stats.ended += count
        stats.errors += count if status in ERROR_STATUSES else 0
        stats.timeouts += count if status in TIMEOUT_STATUSES else 0
        stats.usage += Usage(
            runs=count, compute_seconds=row["compute"] or 0, memory_byte_seconds=row["memory"] or 0
        )
    for day, cumulative in _latency_buckets(period).items():
        if day in days:
            days[day].latency_buckets = cumulative
    return list(days.values())


def _latency_buckets(period: DateRange) -> dict[date, list[int]]:
    """Per day: how many runs took at most each bound (cumulative), then how many in all."""
    counts = {
        f"le_{bound}": Count("pk", filter=Q(wall_ms__lte=bound)) for bound in LATENCY_BOUNDS_MS
    }
    rows = (
        period.executions()
        .filter(wall_ms__isnull=False)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(**counts, total=Count("pk"))
        .order_by()
        .values_list("day", *counts, "total")
    )
    return {day: list(numbers) for day, *numbers in rows}


def estimate_quantile(q: float, cumulative: list[int]) -> float | None:
    """The q-quantile in seconds from cumulative bucket counts (the last is the total),
    interpolating linearly inside the bucket it falls in."""
    total = cumulative[-1]
    if not total:
        return None
    rank = q * total
    lower_bound, lower_count = 0, 0
    for bound, count in zip(LATENCY_BOUNDS_MS, cumulative, strict=False):
        if count >= rank:
            inside = count - lower_count
            share = (rank - lower_count) / inside if inside else 1
            return (lower_bound + (bound - lower_bound) * share) / 1000
        lower_bound, lower_count = bound, count
    return LATENCY_BOUNDS_MS[-1] / 1000


@dataclass(frozen=True)
class UserUsage:
    user_id: int
    username: str
    usage: Usage


def top_users_by_compute(period: DateRange, limit: int = 10) -> list[UserUsage]:
    """Live runs and pruned ones' daily totals together, summed per user."""
    live = (
        period.executions()
        .exclude(status=Status.REJECTED)
        .values("owner_id", username=F("owner__username"))
        .annotate(
            runs=Count("pk"),
            compute=Sum("compute_seconds_charged"),
            memory=memory_byte_seconds(),
        )
        .order_by()
    )
    pruned = (
        period.pruned()
        .exclude(status=Status.REJECTED)
        .values("owner_id", username=F("owner__username"))
        .annotate(
            runs=Sum("runs"), compute=Sum("compute_seconds"), memory=Sum("memory_byte_seconds")
        )
        .order_by()
    )
    users: dict[int, UserUsage] = {}
    for row in [*live, *pruned]:
        usage = Usage(row["runs"], row["compute"] or 0, row["memory"] or 0)
        known = users.get(row["owner_id"])
        users[row["owner_id"]] = UserUsage(
            row["owner_id"], row["username"], usage if known is None else known.usage + usage
        )
    ranked = sorted(users.values(), key=lambda u: (-u.usage.compute_seconds, -u.usage.runs))
    return ranked[:limit]


def most_used_packages(limit: int = 10) -> list[PackageUsage]:
    """By runs that asked for them, all time (PackageUsage counts as runs start)."""
    return list(PackageUsage.objects.filter(count__gt=0).order_by("-count", "name")[:limit])


@dataclass(frozen=True)
class ActiveNow:
    by_status: dict[str, int]
    by_language: dict[str, int]
    sandboxes: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def active_now() -> ActiveNow:
    by_status: dict[str, int] = defaultdict(int)
    by_language: dict[str, int] = defaultdict(int)
    for (runtime, status), count in active_runs_by_runtime_and_status().items():
        by_status[status] += count
        by_language[language_of(runtime)] += count
    return ActiveNow(
        by_status={status: by_status[status] for status in Execution.ACTIVE},
        by_language={language: by_language[language] for language in ("python", "node")},
        sandboxes=Sandbox.objects.count(),
    )


@dataclass(frozen=True)
class WindowRates(EndRates):
    ended: int
    errors: int
    timeouts: int


def rates_since(since: datetime) -> WindowRates:
    """Runs that ended since `since` (rejected ones never ran): how many failed how."""
    # finished_at has no index; created_at has, and no run lasts a day (5 h at most).
    counts = (
        Execution.objects.filter(created_at__gte=since - RECENT_ENOUGH, finished_at__gte=since)
        .exclude(status=Status.REJECTED)
        .aggregate(
            ended=Count("pk"),
            errors=Count("pk", filter=Q(status__in=ERROR_STATUSES)),
            timeouts=Count("pk", filter=Q(status__in=TIMEOUT_STATUSES)),
        )
    )
    return WindowRates(**counts)
