"""A run's resources on the app's side: what it asks for (vCPUs, memory), checked against
its owner's tier, recorded in its snapshot, and turned into the engine's Limits.

A snapshot's "resources" are {"vcpus", "memory_mb", "disk_mb", "max_processes",
"output_kb"}: what the run was given, whatever the tier says later.
"""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError

from quotas.models import MIN_MEMORY_MB, Tier, UserLimits
from sandboxes.engine import Limits

MiB = 1024 * 1024
RESOURCE_KEYS = ("vcpus", "memory_mb", "disk_mb", "max_processes", "output_kb")


def _whole(value, *, field: str, what: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: f"{what} is a whole number."})
    if value < least:
        raise ValidationError({field: f"{what} must be at least {least}."})
    return value


def resources_for_run(
    *, tier: Tier | UserLimits, vcpus: int | None = None, memory_mb: int | None = None
) -> dict:
    """The resources a run gets: what it asks for (None: the tier's default), at most the
    tier's. Raises ValidationError naming the field (`vcpus`, `memory_mb`) and the limit."""
    if vcpus is None:
        vcpus = tier.vcpus_default
    else:
        vcpus = _whole(vcpus, field="vcpus", what="vCPUs", least=1)
        if vcpus > tier.vcpus_max:
            raise ValidationError(
                {"vcpus": f"Your {tier} tier's runs may use at most {tier.vcpus_max} "
                 f"vCPU{'s' if tier.vcpus_max != 1 else ''}; this run asks for {vcpus}."}
            )  # fmt: skip
    if memory_mb is None:
        memory_mb = tier.memory_mb_default
    else:
        memory_mb = _whole(memory_mb, field="memory_mb", what="Memory (MiB)", least=MIN_MEMORY_MB)
        if memory_mb > tier.memory_mb_max:
            raise ValidationError(
                {"memory_mb": f"Your {tier} tier's runs may use at most {tier.memory_mb_max} "
                 f"MiB of memory; this run asks for {memory_mb} MiB."}
            )  # fmt: skip
    return {
        "vcpus": vcpus,
        "memory_mb": memory_mb,
        "disk_mb": tier.disk_mb,
        "max_processes": tier.max_processes,
        "output_kb": tier.output_kb,
    }


def memory_mb_asked(size_bytes: float | None) -> int | None:
    """A memory limit given in bytes (as Judge0's and Piston's clients give it) as the MiB
    a run asks for: rounded up, and at least the least a run gets. None: none asked."""
    if size_bytes is None:
        return None
    return max(MIN_MEMORY_MB, math.ceil(size_bytes / MiB))


def engine_limits(resources: dict, *, timeout_seconds: float) -> Limits:
    """The engine's limits for a run given `resources` for `timeout_seconds` of wall time
    (its CPU time may be that many seconds on each of its vCPUs)."""
    vcpus = resources["vcpus"]
    return Limits(
        timeout_seconds=timeout_seconds,
        cpu_seconds=timeout_seconds * vcpus,
        memory_bytes=resources["memory_mb"] * MiB,
        disk_bytes=resources["disk_mb"] * MiB,
        max_processes=resources["max_processes"],
        output_bytes=resources["output_kb"] * 1024,
        cpus=vcpus,
    )
