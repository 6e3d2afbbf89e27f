"""An execution (one run), its output in order, and the link that shares it."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.urls import reverse

from quotas.models import NetworkChoice
from sandboxes.models.sandbox import Sandbox


class Execution(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        PREPARING = "preparing"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        TIMED_OUT = "timed_out", "timed out"
        OOM_KILLED = "oom_killed", "out of memory"
        OUTPUT_LIMITED = "output_limited", "output limit"
        NETWORK_LIMITED = "network_limited", "network limit"
        CANCELLED = "cancelled"
        INSTALL_FAILED = "install_failed", "install failed"
        REJECTED = "rejected"
        LOST = "lost"
        ERROR = "error"  # the sandbox itself failed, not the program

    class Source(models.TextChoices):
        """What started it: the editor, the HTTP API, or one of the compatible APIs."""

        EDITOR = "editor"
        API = "api", "HTTP API"
        JUDGE0 = "judge0", "Judge0 API"
        PISTON = "piston", "Piston API"

    ACTIVE = (Status.QUEUED, Status.PREPARING, Status.RUNNING)
    # How a status reads at a glance (a colour on the page).
    TONES = {
        Status.QUEUED: "active",
        Status.PREPARING: "active",
        Status.RUNNING: "active",
        Status.SUCCEEDED: "ok",
        Status.CANCELLED: "muted",
        Status.REJECTED: "warn",
        Status.OUTPUT_LIMITED: "warn",
        Status.NETWORK_LIMITED: "warn",
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="executions"
    )
    sandbox = models.ForeignKey(
        Sandbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="executions"
    )
    reservation = models.OneToOneField(
        "quotas.Reservation", on_delete=models.PROTECT, null=True, blank=True
    )
    runtime = models.CharField(max_length=32)
    runtime_version = models.CharField(max_length=32, blank=True)
    source = models.CharField(max_length=16, choices=Source, default=Source.API)
    # What ran, so a past run can be re-run exactly: {"inputs": {path: size} (the contents
    # are ExecutionInput rows; runs from before those: "files": {path: base64}), "entry": ...,
    # "packages": [...], "env_names": [...], "args": [...], "stdin": "...", "interactive":
    # bool, "network": {"mode", "allow", "deny", "max_bytes"}, "resources": {"vcpus",
    # "memory_mb", "disk_mb", "max_processes", "output_kb"}}. Variable values are never
    # stored here.
    snapshot = models.JSONField()
    timeout_seconds = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status, default=Status.QUEUED)
    # [[status, ISO timestamp], ...], one entry per transition.
    timeline = models.JSONField(default=list)
    exit_code = models.IntegerField(null=True, blank=True)
    signal = models.IntegerField(null=True, blank=True)
    wall_ms = models.PositiveIntegerField(null=True, blank=True)
    cpu_ms = models.PositiveIntegerField(null=True, blank=True)
    peak_memory_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    compute_seconds_charged = models.PositiveIntegerField(null=True, blank=True)
    # Of those, the seconds spent installing its packages (0 when they were cached).
    install_seconds_charged = models.PositiveIntegerField(default=0)
    output_bytes = models.PositiveIntegerField(default=0)
    output_truncated = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    network_bytes_in = models.PositiveBigIntegerField(default=0)
    network_bytes_out = models.PositiveBigIntegerField(default=0)
    # Connections its network policy refused: how many, and the first few in words
    # ("evil.example (not on the allow-list)").
    network_blocked_count = models.PositiveIntegerField(default=0)
    network_blocked = models.JSONField(default=list, blank=True)
    # Files it wrote that were not kept (the sandbox's own name, size and count rules):
    # how many, and the first few as [path, reason].
    files_skipped_count = models.PositiveIntegerField(default=0)
    files_skipped = models.JSONField(default=list, blank=True)
    cancel_requested = models.BooleanField(default=False)
    worker = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(output_bytes__gte=0), name="output_bytes_gte_0")
        ]

    def __str__(self) -> str:
        return f"{self.runtime} {self.status} {self.id}"

    def get_absolute_url(self) -> str:
        return reverse("run_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def packages(self) -> list[str]:
        return self.snapshot.get("packages", [])

    @property
    def share_or_none(self):
        """Its share link (ExecutionShare), or None when it is not shared."""
        try:
            return self.share
        except ObjectDoesNotExist:
            return None

    @property
    def error_note(self) -> str:
        """Its error, unless that only repeats its status ("Cancelled." beside Cancelled)."""
        if self.error.rstrip(".!").lower() == self.get_status_display().lower():
            return ""
        return self.error

    @property
    def file_names(self) -> list[str]:
        """The workspace's files when it ran (a refused run kept their names and sizes only)."""
        snapshot = self.snapshot
        return sorted(snapshot.get("inputs") or snapshot.get("files") or snapshot.get("sizes", {}))

    def files_skipped_message(self) -> str:
        """One sentence on the files it wrote that its sandbox did not keep ("" when none):
        some not kept at all, some (too large for a workspace) kept with the run only."""
        count = self.files_skipped_count
        if not count:
            return ""
        listed = "; ".join(f"{path}: {reason}" for path, reason in self.files_skipped)
        more = count - len(self.files_skipped)
        rest = f"; and {more} more" if more > 0 else ""
        noun = "file it wrote was" if count == 1 else "files it wrote were"
        return f"{count} {noun} not kept in the sandbox ({listed}{rest})."

    @property
    def files_kept(self) -> bool:
        """Whether its files' contents were kept (a refused run's were not): can it re-run?"""
        return "sizes" not in self.snapshot

    @property
    def network(self) -> dict:
        """The network policy it ran with (runs recorded before policies existed: none)."""
        return self.snapshot.get("network") or {"mode": NetworkChoice.NONE, "allow": [], "deny": []}

    @property
    def resources(self) -> dict | None:
        """The vCPUs, memory, disk, processes and output it was given (None for runs
        recorded before runs had resources of their own)."""
        return self.snapshot.get("resources")

    @property
    def vcpus(self) -> int:
        return (self.resources or {}).get("vcpus", 1)

    def output_limit_bytes(self) -> int:
        """The output it could keep (its owner's tier's, for a run recorded before runs had
        resources of their own)."""
        if self.resources is not None:
            return self.resources["output_kb"] * 1024
        return self.owner.quota.limits.output_kb * 1024

    @property
    def is_interactive(self) -> bool:
        """Its stdin takes what its owner types while it goes."""
        return bool(self.snapshot.get("interactive"))

    @property
    def tone(self) -> str:
        return self.TONES.get(self.status, "error")

    @property
    def duration_seconds(self) -> float | None:
        return None if self.wall_ms is None else self.wall_ms / 1000

    def reached_at(self, status: str) -> datetime | None:
        """When it first reached `status` (its timeline), if it did."""
        return next(
            (datetime.fromisoformat(at) for reached, at in self.timeline if reached == status),
            None,
        )

    def seconds_running_until(self, until: datetime) -> float:
        """How long it had been running at `until` (0 if it never ran)."""
        started = self.reached_at(self.Status.RUNNING)
        if started is None:
            return 0.0
        return max(0.0, (until - started).total_seconds())

    def seconds_in_statuses(self) -> dict[str, float]:
        """How long it spent in each status it left: {"queued": 0.004, "preparing": ...}."""
        moments = [(status, datetime.fromisoformat(at)) for status, at in self.timeline]
        return {
            status: max((later - at).total_seconds(), 0.0)
            for (status, at), (_, later) in zip(moments, moments[1:], strict=False)
        }


class OutputChunk(models.Model):
    """Output in order: the stored sequence is the truth a reconnecting client replays."""

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    # "stdout" | "stderr" | "install" (the installer's lines while preparing) | "stdin"
    # (what the owner typed, as the program was given it)
    stream = models.CharField(max_length=8)
    data = models.TextField()

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["execution", "seq"], name="chunk_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.execution_id} #{self.seq} {self.stream}"


class ExecutionShare(models.Model):
    """A read-only link to one run (its code, output and produced files) that anyone with
    the link may open, signed in or not. Revoking deletes it: the link stops working."""

    execution = models.OneToOneField(Execution, on_delete=models.CASCADE, related_name="share")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"share of {self.execution_id}"

    def get_absolute_url(self) -> str:
        return reverse("shared_run", args=[self.token])
