from __future__ import annotations

import pytest

from quotas.models import Quota
from quotas.selectors import quota_max_timeout
from quotas.services import quota_reserve
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_is_the_tiers_longest_run_when_compute_is_plentiful(owner):
    assert quota_max_timeout(user=owner) == 2_700


def test_it_is_capped_by_the_compute_seconds_left(owner):
    Quota.objects.filter(user=owner).update(compute_seconds_used=7_000)

    assert quota_max_timeout(user=owner) == 200


def test_seconds_held_by_runs_in_flight_are_not_left(tier):
    user = UserFactory(tier=tier("pro"))
    Quota.objects.filter(user=user).update(compute_seconds_used=70_000)
    quota_reserve(user=user)

    assert quota_max_timeout(user=user) == 2_000


def test_it_is_zero_when_compute_is_used_up(owner):
    Quota.objects.filter(user=owner).update(compute_seconds_used=7_200)

    assert quota_max_timeout(user=owner) == 0


def test_an_ended_period_counts_as_reset(clock, owner):
    Quota.objects.filter(user=owner).update(compute_seconds_used=7_200)
    clock.advance(days=30)

    assert quota_max_timeout(user=owner) == 2_700


def test_an_unlimited_tier_gets_its_longest_run(tier):
    assert quota_max_timeout(user=UserFactory(tier=tier("enterprise"))) == 18_000
