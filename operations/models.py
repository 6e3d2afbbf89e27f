"""What operators set (prices, alert thresholds) and the alert state that makes each alert
fire once per crossing. The kill switch is the sandboxes app's (sandboxes.models.KillSwitch)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F

from operations.costs import Prices

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class OperatorSettings(models.Model):
    """One row (pk 1), edited in the admin."""

    price_per_compute_hour = models.DecimalField(
        "price per vCPU-hour",
        max_digits=10, decimal_places=4, default=Decimal("0.0500"),
        help_text="What an hour of charged compute costs you: one vCPU for an hour (a run's "
        "wall time times its vCPUs).",
    )  # fmt: skip
    price_per_gb_hour = models.DecimalField(
        "price per GB-hour of memory",
        max_digits=10, decimal_places=4, default=Decimal("0.0100"),
        help_text="Per GiB of a run's peak memory, held for its wall time.",
    )  # fmt: skip
    price_per_run = models.DecimalField(
        max_digits=10, decimal_places=6, default=Decimal("0.000100"),
        help_text="A flat cost per run that reached a sandbox (start-up, storage, traffic).",
    )  # fmt: skip
    currency = models.CharField(max_length=8, default="$")
    cost_goal_per_run = models.DecimalField(
        max_digits=10, decimal_places=4, default=Decimal("0.1000"),
        help_text="The dashboard compares the average cost of a run with this.",
    )  # fmt: skip
    error_rate_threshold = models.PositiveSmallIntegerField(
        "error rate alert (%)", default=5, validators=PERCENT,
        help_text="Email operators when this share of finished runs ended in error or lost.",
    )  # fmt: skip
    timeout_rate_threshold = models.PositiveSmallIntegerField(
        "timeout rate alert (%)", default=25, validators=PERCENT,
        help_text="Email operators when this share of finished runs timed out.",
    )  # fmt: skip
    alert_window_minutes = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(1)],
        help_text="Rates are measured over the runs that finished in this many minutes.",
    )  # fmt: skip
    alert_min_runs = models.PositiveIntegerField(
        default=20, validators=[MinValueValidator(1)],
        help_text="Fewer finished runs than this in the window never raise a rate alert.",
    )  # fmt: skip
    alert_emails = models.TextField(
        blank=True,
        help_text="Who gets operator alerts, one address per line. Empty: every active "
        "superuser with a verified email address.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "operator settings"
        # Every user's usage is on the dashboard: being staff is not enough to see it.
        permissions = [("view_dashboard", "Can view the usage dashboard")]

    def __str__(self) -> str:
        return "Operator settings"

    @classmethod
    def load(cls) -> OperatorSettings:
        return cls.objects.get_or_create(pk=1)[0]

    @property
    def prices(self) -> Prices:
        return Prices(
            compute_hour=self.price_per_compute_hour,
            gb_hour=self.price_per_gb_hour,
            run=self.price_per_run,
            currency=self.currency,
        )

    def alert_recipients(self) -> list[str]:
        listed = [line.strip() for line in self.alert_emails.splitlines() if line.strip()]
        if listed:
            return listed
        return list(
            get_user_model()
            .objects.filter(is_superuser=True, is_active=True, verified_email=F("email"))
            .exclude(email="")
            .values_list("email", flat=True)
        )


class QuotaAlert(models.Model):
    """A user told they reached `level` % of a limit in one quota period: the row is what
    makes the email go once (a new period starts afresh)."""

    class Limit(models.TextChoices):
        EXECUTIONS = "executions", "executions"
        COMPUTE = "compute", "compute time"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quota_alerts"
    )
    period_start = models.DateTimeField()
    limit = models.CharField(max_length=16, choices=Limit)
    level = models.PositiveSmallIntegerField()  # 80 or 100
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period_start", "limit", "level"], name="quota_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} reached {self.level}% of {self.get_limit_display()}"


class RateAlert(models.Model):
    """An operator alert's state: it emails when `firing` flips, never while it stays."""

    class Kind(models.TextChoices):
        ERROR_RATE = "error_rate", "error rate"
        TIMEOUT_RATE = "timeout_rate", "timeout rate"

    kind = models.CharField(max_length=16, choices=Kind, unique=True)
    firing = models.BooleanField(default=False)
    changed_at = models.DateTimeField(null=True, blank=True)
    rate = models.FloatField(null=True, blank=True, help_text="At the last check, in %.")
    runs = models.PositiveIntegerField(default=0, help_text="Finished runs in the last window.")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'firing' if self.firing else 'ok'}"
