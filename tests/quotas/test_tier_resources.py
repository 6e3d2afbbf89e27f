"""Each tier says what a run gets and the most it may ask for: vCPUs, memory, disk,
processes and output; operators change them in the admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from quotas.models import Tier
from tests.factories import TierFactory

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_each_tiers_resources():
    seeded = {
        tier.name: (
            (tier.vcpus_default, tier.vcpus_max),
            (tier.memory_mb_default, tier.memory_mb_max),
            tier.disk_mb,
            tier.max_processes,
            tier.output_kb,
        )
        for tier in Tier.objects.all()
    }

    assert seeded == {
        "free": ((1, 1), (256, 512), 64, 64, 1024),
        "pro": ((1, 2), (512, 2048), 512, 128, 4096),
        "premium": ((1, 4), (1024, 4096), 1024, 256, 8192),
        "enterprise": ((1, 8), (2048, 8192), 4096, 512, 16384),
    }


@pytest.mark.parametrize(
    ("field", "value", "maximum"),
    [("vcpus_default", 3, ("vcpus_max", 2)), ("memory_mb_default", 1024, ("memory_mb_max", 512))],
)
def test_a_default_over_the_most_allowed_is_refused_naming_the_field(field, value, maximum):
    tier = TierFactory.build(**{field: value, maximum[0]: maximum[1]})

    with pytest.raises(ValidationError) as refusal:
        tier.full_clean()

    assert field in refusal.value.message_dict


def test_the_database_refuses_a_default_over_the_most_allowed_too():
    tier = TierFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Tier.objects.filter(pk=tier.pk).update(vcpus_default=4, vcpus_max=2)


def test_memory_under_the_engines_floor_is_refused():
    tier = TierFactory.build(memory_mb_default=8)

    with pytest.raises(ValidationError) as refusal:
        tier.full_clean()

    assert "memory_mb_default" in refusal.value.message_dict
