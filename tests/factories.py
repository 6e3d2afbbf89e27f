from __future__ import annotations

import factory
from factory.django import DjangoModelFactory, Password

from accounts.models import User
from quotas.models import DEFAULT_TIER_NAME, Quota, Tier
from quotas.services import quota_change_tier

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


class ExecutionFactory(DjangoModelFactory):
    """A recorded run (nothing is executed): a successful Python run unless told otherwise.
    created_at (auto_now_add) may be given: it is written after the row is made."""

    class Meta:
        model = "sandboxes.Execution"

    owner = factory.SubFactory(UserFactory)
    runtime = "python3.13"
    snapshot = factory.LazyFunction(
        lambda: {"files": {}, "entry": "main.py", "packages": [], "env_names": []}
    )
    timeout_seconds = 60
    status = "succeeded"
    exit_code = 0
    wall_ms = 200
    cpu_ms = 150
    peak_memory_bytes = 64 * 1024 * 1024
    compute_seconds_charged = 1
    timeline = factory.LazyFunction(list)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        created_at = kwargs.pop("created_at", None)
        execution = super()._create(model_class, *args, **kwargs)
        if created_at is not None:
            model_class.objects.filter(pk=execution.pk).update(created_at=created_at)
            execution.created_at = created_at
        return execution
