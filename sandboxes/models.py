"""A user's sandboxes (persistent workspaces) and the executions run in them."""

from __future__ import annotations

import io
import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.files import File
from django.db import models
from django.db.models import Q
from django.urls import reverse

from blobs.contents import content_open
from blobs.models import Blob
from quotas.models import NetworkChoice
from sandboxes import filetypes
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


class StoredFile(models.Model):
    """A file's path and size; its bytes live in storage (blobs), named by their digest and
    shared by every file holding the same bytes."""

    path = models.CharField(max_length=255)
    blob = models.ForeignKey(
        Blob, on_delete=models.PROTECT, null=True, related_name="%(app_label)s_%(class)s"
    )
    # Rows from before contents moved to storage hold them here until
    # `manage.py move_files_to_storage` moves them (then it is NULL).
    content = models.BinaryField(null=True, editable=False)
    size = models.PositiveBigIntegerField()

    class Meta:
        abstract = True

    @property
    def digest(self) -> str | None:
        return self.blob_id

    def open(self) -> File:
        """The content, to read in chunks (close it, or use `with`)."""
        if self.blob_id is not None:
            return content_open(self.blob_id)
        return File(io.BytesIO(bytes(self.content or b"")), name=self.path)

    def read(self) -> bytes:
        with self.open() as file:
            return file.read()


class SandboxFile(StoredFile):
    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="files")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["sandbox", "path"], name="sandbox_file_path_unique")
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def image_type(self) -> str | None:
        return filetypes.image_type(self.path)

    def text(self) -> str | None:
        """The content as text, or None for a binary file."""
        try:
            return self.read().decode()
        except UnicodeDecodeError:
            return None

    @property
    def editor_language(self) -> str | None:
        return filetypes.editor_language(self.path)


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


class ExecutionFile(StoredFile):
    """A file the run created or changed, kept with the run (the sandbox keeps its own copy
    of those a workspace may hold: the same blob)."""

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="files")

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["execution", "path"], name="execution_file_unique")
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def image_type(self) -> str | None:
        return filetypes.image_type(self.path)


class ExecutionInput(StoredFile):
    """A workspace file as the run was given it: what the engine writes into its sandbox,
    and what a re-run runs again. (Runs recorded before these existed keep their files in
    their snapshot, base64-encoded.)"""

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="inputs")

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["execution", "path"], name="execution_input_unique")
        ]

    def __str__(self) -> str:
        return self.path


class PackageUsage(models.Model):
    """How often runs asked for a package: for the admin, and the editor's "popular" list.

    Counted when a run with packages starts. The brief's popular packages are seeded (count
    0, `rank` set), so the list reads well before anyone has run anything.
    """

    class Language(models.TextChoices):
        PYTHON = "python", "Python"
        NODE = "node", "Node.js"

    language = models.CharField(max_length=8, choices=Language)
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


DEFAULT_PAUSE_MESSAGE = "New runs are paused for maintenance. Please try again later."


class KillSwitch(models.Model):
    """The operators' kill switch: one row (pk 1), edited in the admin. While it is on,
    every new run is refused (sandboxes.runs.kill_switch)."""

    runs_paused = models.BooleanField(
        "pause new runs",
        default=False,
        help_text="Refuse every new run users start (editor, API, re-runs). Runs already "
        "queued or running carry on: stop them from the execution list.",
    )
    pause_message = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown to users while runs are paused. Empty: a default message.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "kill switch"

    def __str__(self) -> str:
        return "Kill switch"

    @classmethod
    def load(cls) -> KillSwitch:
        return cls.objects.get_or_create(pk=1)[0]

    @classmethod
    def paused_message(cls) -> str | None:
        """What users are told while runs are paused; None while runs may start. One
        query that writes nothing: every run start asks."""
        message = (
            cls.objects.filter(pk=1, runs_paused=True)
            .values_list("pause_message", flat=True)
            .first()
        )
        return None if message is None else message or DEFAULT_PAUSE_MESSAGE
