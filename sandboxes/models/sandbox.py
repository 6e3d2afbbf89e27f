"""A sandbox: a user's persistent workspace, and its environment variables."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from quotas.models import NetworkChoice
from sandboxes.engine.runtimes import language_of
from sandboxes.fields import SealedTextField


class Sandbox(models.Model):
    """A persistent workspace: files, packages and environment variables, run again and again."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sandboxes"
    )
    name = models.CharField(max_length=100)
    runtime = models.CharField(max_length=32, help_text='"python", "node" or a version id.')
    entry_file = models.CharField(max_length=255)
    packages = models.JSONField(default=list, blank=True)
    # How Run starts the entry file: its arguments, and standard input given up front
    # (empty: the console takes what the user types).
    run_args = models.JSONField(default=list, blank=True)
    run_stdin = models.TextField(blank=True)
    # The vCPUs and memory (MiB) its runs ask for; empty: the tier's default.
    run_vcpus = models.PositiveSmallIntegerField(null=True, blank=True)
    run_memory_mb = models.PositiveIntegerField(null=True, blank=True)
    # Its runs' network policy (sandboxes.network): a mode, and the domains an allow-list
    # allows and a deny-list refuses (normalised by the engine's rules).
    network_mode = models.CharField(
        max_length=16, choices=NetworkChoice, default=NetworkChoice.NONE
    )
    network_allow = models.JSONField(default=list, blank=True)
    network_deny = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sandbox_editor", args=[self.pk])

    @property
    def language(self) -> str:
        return language_of(self.runtime)

    @property
    def network_policy(self) -> dict:
        return {"mode": self.network_mode, "allow": self.network_allow, "deny": self.network_deny}

    def storage_bytes(self) -> int:
        return self.files.aggregate(total=models.Sum("size"))["total"] or 0


class EnvironmentVariable(models.Model):
    """Write-only once saved: shown masked, never echoed into pages, history or logs."""

    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="variables")
    name = models.CharField(max_length=128)
    value = SealedTextField()  # sealed at rest: a database dump does not show it

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["sandbox", "name"], name="sandbox_variable_unique")
        ]

    def __str__(self) -> str:
        return self.name
