from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

# A quota period lasts 30 days from its start; it rolls over lazily when next checked.
PERIOD = timedelta(days=30)
DEFAULT_TIER_NAME = "free"
# The engine's floor for a run's memory (sandboxes.engine.spec.Limits).
MIN_MEMORY_MB = 16


class NetworkChoice(models.TextChoices):
    """A run's network policy, from the narrowest to the widest (the order matters)."""

    NONE = "none", "No network"
    ALLOW_LIST = "allow_list", "Allow-list of domains"
    INTERNET = "internet", "The internet"

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.values).index(value)


class Tier(models.Model):
    """A plan's limits. Rows, not constants: operators edit them in the admin."""

    name = models.SlugField(max_length=32, unique=True, help_text='Short id, e.g. "free".')
    label = models.CharField(max_length=64, help_text="Shown to users.")
    monthly_executions = models.PositiveIntegerField(
        null=True, blank=True, help_text="Runs per 30-day period. Empty means unlimited."
    )
    compute_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="Compute seconds per 30-day period. Empty means unlimited."
    )
    max_run_seconds = models.PositiveIntegerField(
        validators=[MinValueValidator(1, "The longest run must be at least one second.")],
        help_text="Longest single run, in seconds.",
    )
    max_concurrent_runs = models.PositiveIntegerField(
        validators=[MinValueValidator(1, "At least one concurrent run must be allowed.")],
        help_text="Runs that may be in flight at once.",
    )
    storage_bytes = models.PositiveBigIntegerField(
        default=10 * 1024 * 1024,
        help_text="Files a sandbox may keep between runs (also a run's disk limit), in bytes.",
    )
    retention_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=90,
        validators=[MinValueValidator(1, "Runs must be kept at least one day.")],
        help_text="Days a run, its output and its files are kept (`manage.py "
        "prune_executions` deletes older ones; usage totals stay). Empty means forever.",
    )
    # A run's network (see sandboxes.engine.network_policy): the policy a new sandbox or an
    # API run without one gets, and the widest one a run may choose.
    network_default = models.CharField(
        max_length=16,
        choices=NetworkChoice,
        default=NetworkChoice.NONE,
        help_text="The network of a new sandbox, and of an API run that asks for none.",
    )
    network_max = models.CharField(
        max_length=16,
        choices=NetworkChoice,
        default=NetworkChoice.NONE,
        help_text="The widest network a run may use: none < allow-list < internet.",
    )
    network_max_bytes = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        default=100 * 1024 * 1024,
        help_text="Bytes a run may send and receive in all; a run over it is stopped. "
        "Empty means no cap.",
    )
    # A run's resources (see sandboxes.resources): the vCPUs and memory a run gets when it
    # asks for none, the most it may ask for, and the rest of its limits.
    vcpus_default = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1, "A run needs at least one vCPU.")],
        help_text="vCPUs a run gets when it asks for none.",
    )
    vcpus_max = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1, "A run needs at least one vCPU.")],
        help_text="The most vCPUs a run may ask for. Compute is charged in vCPU-seconds.",
    )
    memory_mb_default = models.PositiveIntegerField(
        default=256,
        validators=[MinValueValidator(MIN_MEMORY_MB, f"A run needs at least {MIN_MEMORY_MB} MiB.")],
        help_text="Memory a run gets when it asks for none, in MiB.",
    )
    memory_mb_max = models.PositiveIntegerField(
        default=512,
        validators=[MinValueValidator(MIN_MEMORY_MB, f"A run needs at least {MIN_MEMORY_MB} MiB.")],
        help_text="The most memory a run may ask for, in MiB.",
    )
    disk_mb = models.PositiveIntegerField(
        default=64,
        validators=[MinValueValidator(1, "A run needs at least 1 MiB of disk.")],
        help_text="A run's disk: its workspace, /tmp and /dev/shm together, in MiB.",
    )
    max_processes = models.PositiveIntegerField(
        default=64,
        validators=[MinValueValidator(1, "A run needs at least one process.")],
        help_text="Processes and threads a run may have at once.",
    )
    output_kb = models.PositiveIntegerField(
        default=1024,
        validators=[MinValueValidator(1, "A run needs at least 1 KiB of output.")],
        help_text="Output (stdout and stderr together) a run may print, in KiB.",
    )
    # The API's request rate limit per user (all their tokens and their session together).
    rate_limit_requests = models.PositiveIntegerField(
        default=120,
        validators=[MinValueValidator(1, "At least one request per window must be allowed.")],
        help_text="API requests a user may make per window (all their tokens and their "
        "session together); more get a 429.",
    )
    rate_limit_window_seconds = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(1, "A window lasts at least one second.")],
        help_text="The rate limit's window, in seconds.",
    )
    ordering = models.PositiveSmallIntegerField(default=0, help_text="Lower tiers first.")

    class Meta:
        ordering = ["ordering", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_executions__isnull=True) | Q(monthly_executions__gte=0),
                name="tier_monthly_executions_not_negative",
                violation_error_message="Executions per month cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(compute_seconds__isnull=True) | Q(compute_seconds__gte=0),
                name="tier_compute_seconds_not_negative",
                violation_error_message="Compute seconds cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(max_run_seconds__gt=0),
                name="tier_max_run_seconds_positive",
                violation_error_message="The longest run must be at least one second.",
            ),
            models.CheckConstraint(
                condition=Q(network_max_bytes__isnull=True) | Q(network_max_bytes__gt=0),
                name="tier_network_max_bytes_positive",
                violation_error_message="The network cap must be at least one byte (or empty).",
            ),
            models.CheckConstraint(
                condition=Q(vcpus_default__gte=1) & Q(vcpus_default__lte=F("vcpus_max")),
                name="tier_vcpus_default_within_max",
                violation_error_message="A run's default vCPUs must be 1 to the most allowed.",
            ),
            models.CheckConstraint(
                condition=Q(memory_mb_default__gte=MIN_MEMORY_MB)
                & Q(memory_mb_default__lte=F("memory_mb_max")),
                name="tier_memory_mb_default_within_max",
                violation_error_message=f"A run's default memory must be {MIN_MEMORY_MB} MiB "
                "to the most allowed.",
            ),
            models.CheckConstraint(
                condition=Q(disk_mb__gt=0) & Q(max_processes__gt=0) & Q(output_kb__gt=0),
                name="tier_run_limits_positive",
                violation_error_message="Disk, processes and output must be at least 1.",
            ),
            models.CheckConstraint(
                condition=Q(rate_limit_requests__gt=0) & Q(rate_limit_window_seconds__gt=0),
                name="tier_rate_limit_positive",
                violation_error_message="A rate limit allows at least one request in a "
                "window of at least a second.",
            ),
            models.CheckConstraint(
                condition=Q(max_concurrent_runs__gt=0),
                name="tier_max_concurrent_runs_positive",
                violation_error_message="At least one concurrent run must be allowed.",
            ),
        ]

    def __str__(self) -> str:
        return self.label or self.name

    def clean(self) -> None:
        super().clean()
        self.clean_resources()
        if self.network_default == NetworkChoice.ALLOW_LIST:
            raise ValidationError(
                {"network_default": "An allow-list needs its domains: the default is none or "
                 "the internet (a sandbox then chooses its own allow-list)."}
            )  # fmt: skip
        if NetworkChoice.rank(self.network_default) > NetworkChoice.rank(self.network_max):
            raise ValidationError(
                {"network_default": "The default network cannot be wider than the widest allowed."}
            )

    def clean_resources(self) -> None:
        errors = {}
        if self.vcpus_default and self.vcpus_max and self.vcpus_default > self.vcpus_max:
            errors["vcpus_default"] = "The default vCPUs cannot be more than the most allowed."
        memory_default, memory_max = self.memory_mb_default, self.memory_mb_max
        if memory_default and memory_max and memory_default > memory_max:
            errors["memory_mb_default"] = "The default memory cannot be more than the most allowed."
        if errors:
            raise ValidationError(errors)

    def allows_network(self, mode: str) -> bool:
        return NetworkChoice.rank(mode) <= NetworkChoice.rank(self.network_max)


# Every tier limit an operator may override for one user (retention stays the tier's:
# prune_executions works per tier).
OVERRIDABLE = (
    "monthly_executions",
    "compute_seconds",
    "max_run_seconds",
    "max_concurrent_runs",
    "storage_bytes",
    "network_max",
    "network_max_bytes",
    "vcpus_default",
    "vcpus_max",
    "memory_mb_default",
    "memory_mb_max",
    "disk_mb",
    "max_processes",
    "output_kb",
    "rate_limit_requests",
    "rate_limit_window_seconds",
)


class UserLimits:
    """One user's limits, read like a Tier: each is their own override if an operator set
    one (Quota.overrides), else their tier's. Code asking what a user may do reads these
    (`quota.limits`), never the tier directly, so an override holds from the next request."""

    def __init__(self, tier: Tier, overrides: dict | None) -> None:
        self.tier = tier
        self.overrides = {k: v for k, v in (overrides or {}).items() if k in OVERRIDABLE}

    def __getattr__(self, name: str):
        overrides = self.__dict__.get("overrides", {})
        if name in overrides:
            return overrides[name]
        return getattr(self.__dict__["tier"], name)

    def __str__(self) -> str:
        return str(self.tier)

    def allows_network(self, mode: str) -> bool:
        return NetworkChoice.rank(mode) <= NetworkChoice.rank(self.network_max)

    def problems(self) -> dict[str, str]:
        """What does not hold together (a default over its most), by limit name."""
        problems = {}
        if self.vcpus_default > self.vcpus_max:
            problems["vcpus_default"] = "The default vCPUs cannot be more than the most allowed."
        if self.memory_mb_default > self.memory_mb_max:
            problems["memory_mb_default"] = (
                "The default memory cannot be more than the most allowed."
            )
        if NetworkChoice.rank(self.network_default) > NetworkChoice.rank(self.network_max):
            problems["network_max"] = "The widest network cannot be narrower than the default."
        return problems


class QuotaQuerySet(models.QuerySet):
    def period_over(self, now: datetime) -> QuotaQuerySet:
        return self.filter(period_start__lte=now - PERIOD)


class Quota(models.Model):
    """One user's usage in the current period. Counters change only through quotas.services."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quota"
    )
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="quotas")
    runs_used = models.PositiveIntegerField(default=0)
    # Concurrency slots and seconds held by runs in flight; a period reset leaves them alone.
    runs_active = models.PositiveIntegerField(default=0)
    compute_seconds_used = models.PositiveIntegerField(default=0)
    compute_seconds_reserved = models.PositiveIntegerField(default=0)
    period_start = models.DateTimeField(default=timezone.now)
    # {limit name: value} for the tier limits an operator overrode for this user alone
    # (None: unlimited, where the tier's may be empty); see UserLimits.
    overrides = models.JSONField(default=dict, blank=True)

    objects = QuotaQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(runs_used__gte=0), name="quota_runs_used_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(runs_active__gte=0), name="quota_runs_active_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(compute_seconds_used__gte=0),
                name="quota_compute_seconds_used_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(compute_seconds_reserved__gte=0),
                name="quota_compute_seconds_reserved_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.tier.name})"

    @property
    def limits(self) -> UserLimits:
        return UserLimits(self.tier, self.overrides)

    def period_end(self) -> datetime:
        return self.period_start + PERIOD

    def is_period_over(self, now: datetime) -> bool:
        return now >= self.period_end()

    def runs_left(self, now: datetime | None = None) -> int | None:
        """Runs still allowed this period (None: unlimited). A period over at `now` counts
        as already reset."""
        limit = self.limits.monthly_executions
        if limit is None:
            return None
        used = 0 if now is not None and self.is_period_over(now) else self.runs_used
        return max(0, limit - used)

    def compute_seconds_left(self, now: datetime | None = None) -> int | None:
        """Seconds a new run may still spend (None: unlimited). Seconds reserved by runs in
        flight are already spoken for."""
        limit = self.limits.compute_seconds
        if limit is None:
            return None
        used = 0 if now is not None and self.is_period_over(now) else self.compute_seconds_used
        return max(0, limit - used - self.compute_seconds_reserved)

    def used_up(self, now: datetime | None = None) -> str:
        """Why no new run may start now ("" if one may): its runs or its compute time are
        used up for this period (one that is over counts as reset). Concurrency is not
        counted: a slot frees itself."""
        now = now or timezone.now()
        if self.runs_left(now) == 0:
            return "You have no runs left this period."
        if self.compute_seconds_left(now) == 0:
            return "You have no compute time left this period."
        return ""

    def runs_used_percent(self) -> int | None:
        return _percent(self.runs_used, self.limits.monthly_executions)

    def compute_used_percent(self) -> int | None:
        return _percent(self.compute_seconds_used, self.limits.compute_seconds)


class Reservation(models.Model):
    """The quota held by one run. Settled exactly once; an Execution points at it."""

    quota = models.ForeignKey(Quota, on_delete=models.CASCADE, related_name="reservations")
    seconds_reserved = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)
    seconds_charged = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seconds_charged__isnull=True)
                | Q(seconds_charged__lte=models.F("seconds_reserved")),
                name="reservation_charge_within_reserved",
            ),
        ]

    def __str__(self) -> str:
        return f"Reservation {self.pk} ({self.seconds_reserved} s)"

    def is_settled(self) -> bool:
        return self.settled_at is not None


def _percent(used: int, limit: int | None) -> int | None:
    if limit is None:
        return None
    if limit == 0:
        return 100
    return min(100, round(100 * used / limit))
