"""Usage kept apart from runs: packages asked for, and what pruned runs used."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sandboxes.engine.runtimes import LANGUAGE_NAMES
from sandboxes.models.execution import Execution


class PackageUsage(models.Model):
    """How often runs asked for a package: for the admin, and the editor's "popular" list.

    Counted when a run with packages starts. The brief's popular packages are seeded (count
    0, `rank` set), so the list reads well before anyone has run anything.
    """

    language = models.CharField(max_length=8, choices=LANGUAGE_NAMES)
    name = models.CharField(max_length=214)
    count = models.PositiveIntegerField(default=0)
    last_used = models.DateTimeField(null=True, blank=True)
    rank = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Place in the seeded popular list: orders equal counts."
    )
    # Who asked for it: a name is suggested to others only once enough people have (a
    # private package's name typed by one user is not shown to everyone else).
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["language", "-count", "name"]
        verbose_name = "package usage"
        verbose_name_plural = "package usage"
        constraints = [
            models.UniqueConstraint(fields=["language", "name"], name="package_usage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_language_display()})"


class UsageDay(models.Model):
    """What pruned runs used, per day, user, runtime and status: filled by
    `executions_prune` before it deletes them, so usage totals (the operations dashboard)
    outlive the runs themselves."""

    day = models.DateField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    runtime = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=Execution.Status)
    runs = models.PositiveIntegerField(default=0)
    compute_seconds = models.PositiveBigIntegerField(default=0)
    memory_byte_seconds = models.FloatField(default=0.0)
    network_bytes_in = models.PositiveBigIntegerField(default=0)
    network_bytes_out = models.PositiveBigIntegerField(default=0)
    network_refused = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = "usage of pruned runs"
        verbose_name_plural = "usage of pruned runs"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "owner", "runtime", "status"], name="usage_day_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.runtime} {self.status}: {self.runs}"
