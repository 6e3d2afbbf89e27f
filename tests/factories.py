from __future__ import annotations

import base64

import factory
from factory.django import DjangoModelFactory, Password

from accounts.models import User
from quotas.models import DEFAULT_TIER_NAME, Quota, Tier
from quotas.services import quota_change_tier, quota_reserve
from sandboxes.models import Execution, OutputChunk
from sandboxes.services.stored_files import execution_files_add

PASSWORD = "correct horse battery staple"
MiB = 1024 * 1024

# The tiers the data migration seeds. Transactional tests flush them, so factories
# recreate them on demand rather than trusting the migration.
SEEDED_TIERS = {
    "free": {
        "label": "Free",
        "monthly_executions": 50,
        "compute_seconds": 7_200,
        "max_run_seconds": 2_700,
        "max_concurrent_runs": 1,
        "network_default": "none",
        "network_max": "allow_list",
        "network_max_bytes": 100 * MiB,
        "retention_days": 30,
        "vcpus_default": 1,
        "vcpus_max": 1,
        "memory_mb_default": 256,
        "memory_mb_max": 512,
        "disk_mb": 64,
        "max_processes": 64,
        "output_kb": 1024,
        "rate_limit_requests": 120,
        "rate_limit_window_seconds": 60,
        "ordering": 0,
    },
    "pro": {
        "label": "Pro",
        "monthly_executions": 500,
        "compute_seconds": 90_000,
        "max_run_seconds": 18_000,
        "max_concurrent_runs": 3,
        "network_default": "none",
        "network_max": "internet",
        "network_max_bytes": 1024 * MiB,
        "retention_days": 90,
        "vcpus_default": 1,
        "vcpus_max": 2,
        "memory_mb_default": 512,
        "memory_mb_max": 2048,
        "disk_mb": 512,
        "max_processes": 128,
        "output_kb": 4096,
        "rate_limit_requests": 600,
        "rate_limit_window_seconds": 60,
        "ordering": 10,
    },
    "premium": {
        "label": "Premium",
        "monthly_executions": 2_000,
        "compute_seconds": 360_000,
        "max_run_seconds": 18_000,
        "max_concurrent_runs": 5,
        "network_default": "none",
        "network_max": "internet",
        "network_max_bytes": 5 * 1024 * MiB,
        "retention_days": 180,
        "vcpus_default": 1,
        "vcpus_max": 4,
        "memory_mb_default": 1024,
        "memory_mb_max": 4096,
        "disk_mb": 1024,
        "max_processes": 256,
        "output_kb": 8192,
        "rate_limit_requests": 1_200,
        "rate_limit_window_seconds": 60,
        "ordering": 20,
    },
    "enterprise": {
        "label": "Enterprise",
        "monthly_executions": None,
        "compute_seconds": None,
        "max_run_seconds": 18_000,
        "max_concurrent_runs": 10,
        "network_default": "none",
        "network_max": "internet",
        "network_max_bytes": 20 * 1024 * MiB,
        "retention_days": 365,
        "vcpus_default": 1,
        "vcpus_max": 8,
        "memory_mb_default": 2048,
        "memory_mb_max": 8192,
        "disk_mb": 4096,
        "max_processes": 512,
        "output_kb": 16384,
        "rate_limit_requests": 60_000,
        "rate_limit_window_seconds": 60,
        "ordering": 30,
    },
}


class TierFactory(DjangoModelFactory):
    """TierFactory() makes a made-up tier; TierFactory(name="free") finds the seeded one."""

    class Meta:
        model = Tier
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tier-{n}")
    label = factory.LazyAttribute(lambda tier: tier.name.title())
    monthly_executions = 10
    compute_seconds = 3_600
    max_run_seconds = 600
    max_concurrent_runs = 2
    ordering = 100


def seeded_tier(name: str) -> Tier:
    return TierFactory(name=name, **SEEDED_TIERS[name])


class UserFactory(DjangoModelFactory):
    """A user with a quota (the post_save receiver makes it). UserFactory(tier=...) moves
    that quota to another tier."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    verified_email = factory.LazyAttribute(lambda user: user.email)
    password = Password(PASSWORD)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        seeded_tier(DEFAULT_TIER_NAME)
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def tier(user, create: bool, extracted: Tier | None, **kwargs) -> None:
        if create and extracted is not None:
            quota_change_tier(quotas=Quota.objects.filter(user=user), tier=extracted)
            user.quota.refresh_from_db()


class SandboxFactory(DjangoModelFactory):
    class Meta:
        model = "sandboxes.Sandbox"

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Sandbox {n}")
    runtime = "python3.13"
    entry_file = "main.py"


IN_PROGRESS = [str(status) for status in Execution.ACTIVE]  # in the order a run goes
EXIT_CODES = {"succeeded": 0, "failed": 1}


def _timeline(run) -> list[list[str]]:
    """One transition a status, up to the run's own (all at one moment)."""
    if run.status in IN_PROGRESS:
        statuses = IN_PROGRESS[: IN_PROGRESS.index(run.status) + 1]
    elif run.status == "rejected":  # refused before it was queued
        statuses = ["rejected"]
    elif run.status == "install_failed":  # ended while preparing
        statuses = [*IN_PROGRESS[:2], run.status]
    else:
        statuses = [*IN_PROGRESS, run.status]
    return [[status, "2026-11-29T14:00:00+00:00"] for status in statuses]


def _snapshot(run) -> dict:
    """What a recorded run ran: its sandbox's files when it has one, else a one-line main.py."""
    if run.sandbox is None:
        files, entry = {"main.py": b"print('hi')\n"}, "main.py"
    else:
        files = {f.path: f.read() for f in run.sandbox.files.all()}
        entry = run.sandbox.entry_file
    snapshot = {
        "files": {path: base64.b64encode(content).decode() for path, content in files.items()},
        "entry": entry,
        "packages": [],
        "env_names": [],
    }
    if run.network is not None:
        snapshot["network"] = run.network
    if run.interactive:
        snapshot["interactive"] = True
    return snapshot


def _ended(value):
    """A figure a run has once it ended, None while it is queued, preparing or running."""
    return factory.LazyAttribute(lambda run: None if run.status in IN_PROGRESS else value)


class ExecutionFactory(DjangoModelFactory):
    """A recorded run, as the pipeline leaves it (nothing is executed): a successful Python
    run unless told otherwise. The status decides the rest: a run still going
    (`status="running"`) has no exit code or figures yet, and its timeline stops there.

    - `sandbox=`: a run of that sandbox's files, by its owner;
    - `network=`: the network policy it ran with ({"mode", "allow", "deny", "max_bytes"});
    - `interactive=True`: it takes typed input (the console's or the API's stdin);
    - `reserved=True`: it holds a quota reservation for its timeout (a started run);
    - `output=[(stream, text), ...]`: what it printed, as stored chunks;
    - `files={path: bytes}`: the files it wrote;
    - `created_at=`: written after the row is made (the field is auto_now_add).
    """

    class Meta:
        model = Execution
        skip_postgeneration_save = True

    class Params:
        network = None
        interactive = False
        # Holding its quota reservation, as a run that was started and has not ended does.
        reserved = factory.Trait(
            reservation=factory.LazyAttribute(
                lambda run: quota_reserve(user=run.owner, timeout_seconds=run.timeout_seconds)
            )
        )

    sandbox = None
    owner = factory.Maybe(
        "sandbox",
        yes_declaration=factory.SelfAttribute("sandbox.owner"),
        no_declaration=factory.SubFactory(UserFactory),
    )
    runtime = "python3.13"
    snapshot = factory.LazyAttribute(_snapshot)
    timeout_seconds = 60
    status = "succeeded"
    exit_code = factory.LazyAttribute(lambda run: EXIT_CODES.get(run.status))
    wall_ms = _ended(200)
    cpu_ms = _ended(150)
    peak_memory_bytes = _ended(64 * MiB)
    compute_seconds_charged = _ended(1)
    timeline = factory.LazyAttribute(_timeline)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        created_at = kwargs.pop("created_at", None)
        execution = super()._create(model_class, *args, **kwargs)
        if created_at is not None:
            model_class.objects.filter(pk=execution.pk).update(created_at=created_at)
            execution.created_at = created_at
        return execution

    @factory.post_generation
    def output(execution, create: bool, chunks: list[tuple[str, str]] | None, **kwargs) -> None:
        if create and chunks:
            OutputChunk.objects.bulk_create(
                OutputChunk(execution=execution, seq=seq, stream=stream, data=data)
                for seq, (stream, data) in enumerate(chunks, start=1)
            )

    @factory.post_generation
    def files(execution, create: bool, files: dict[str, bytes] | None, **kwargs) -> None:
        if create and files:
            execution_files_add(execution=execution, files=files)
