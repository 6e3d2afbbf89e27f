from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from quotas.models import Tier
from tests.factories import TierFactory

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_the_four_product_tiers():
    tiers = {
        tier.name: (
            tier.monthly_executions,
            tier.compute_seconds,
            tier.max_run_seconds,
            tier.max_concurrent_runs,
        )
        for tier in Tier.objects.all()
    }

    assert tiers == {
        "free": (50, 7_200, 2_700, 1),
        "pro": (500, 90_000, 18_000, 3),
        "premium": (2_000, 360_000, 18_000, 5),
        "enterprise": (None, None, 18_000, 10),
    }
    assert list(Tier.objects.values_list("name", flat=True)) == [
        "free",
        "pro",
        "premium",
        "enterprise",
    ]


@pytest.mark.parametrize(
    "field",
    ["monthly_executions", "compute_seconds", "max_run_seconds", "max_concurrent_runs"],
)
def test_the_database_refuses_a_negative_limit(field):
    tier = TierFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Tier.objects.filter(pk=tier.pk).update(**{field: -1})


@pytest.mark.parametrize("field", ["max_run_seconds", "max_concurrent_runs"])
def test_the_database_refuses_a_zero_run_length_or_concurrency(field):
    tier = TierFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Tier.objects.filter(pk=tier.pk).update(**{field: 0})


def test_validation_explains_a_zero_longest_run():
    tier = TierFactory.build(max_run_seconds=0)

    with pytest.raises(ValidationError) as invalid:
        tier.full_clean()

    assert "The longest run must be at least one second." in invalid.value.messages
