from __future__ import annotations

from datetime import timedelta

import pytest

from quotas.exceptions import QuotaExceeded
from quotas.models import Quota, Reservation
from quotas.services import quota_reserve, quota_settle
from tests.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db


def quota_of(user) -> Quota:
    return Quota.objects.select_related("tier").get(user=user)


def use(user, **counters) -> None:
    Quota.objects.filter(user=user).update(**counters)


def test_it_reserves_one_run_a_slot_and_the_tiers_longest_run(owner):
    reservation = quota_reserve(user=owner)

    quota = quota_of(owner)
    assert reservation.quota == quota
    assert reservation.seconds_reserved == 2_700
    assert reservation.settled_at is None
    assert (quota.runs_used, quota.runs_active, quota.compute_seconds_reserved) == (1, 1, 2_700)
    assert quota.compute_seconds_used == 0


def test_it_allows_the_50th_run_and_refuses_the_51st(clock, owner):
    use(owner, runs_used=48)
    quota_settle(reservation=quota_reserve(user=owner), compute_seconds=1)

    fiftieth = quota_reserve(user=owner)
    quota_settle(reservation=fiftieth, compute_seconds=1)
    with pytest.raises(QuotaExceeded) as refused:
        quota_reserve(user=owner)

    assert refused.value.limit == "monthly_executions"
    assert refused.value.resets_at == clock.now + timedelta(days=30)
    assert str(refused.value) == (
        "Monthly executions used up: 50 of 50. Resets on 2026-12-29 14:00 UTC."
    )
    assert quota_of(owner).runs_used == 50


def test_a_refused_run_holds_nothing(owner):
    use(owner, runs_used=50)

    with pytest.raises(QuotaExceeded):
        quota_reserve(user=owner)

    quota = quota_of(owner)
    assert (quota.runs_used, quota.runs_active, quota.compute_seconds_reserved) == (50, 0, 0)
    assert not Reservation.objects.exists()


def test_it_refuses_a_run_when_no_compute_seconds_are_left(clock, owner):
    use(owner, compute_seconds_used=7_200)

    with pytest.raises(QuotaExceeded) as refused:
        quota_reserve(user=owner)

    assert refused.value.limit == "compute_seconds"
    assert refused.value.resets_at == clock.now + timedelta(days=30)
    assert str(refused.value).startswith("Compute time used up: 2 h of 2 h.")


def test_it_shortens_the_run_to_the_compute_seconds_left(owner):
    use(owner, compute_seconds_used=7_200 - 90)

    assert quota_reserve(user=owner).seconds_reserved == 90


def test_it_counts_seconds_reserved_by_runs_in_flight(owner, tier):
    pro = tier("pro")
    user = UserFactory(tier=pro)
    use(user, compute_seconds_used=90_000 - 25_000)

    first = quota_reserve(user=user)
    second = quota_reserve(user=user)
    with pytest.raises(QuotaExceeded) as refused:
        quota_reserve(user=user)

    assert (first.seconds_reserved, second.seconds_reserved) == (18_000, 7_000)
    assert refused.value.limit == "compute_seconds"
    assert "held by runs in progress" in str(refused.value)


def test_it_refuses_a_second_run_at_once_on_the_free_tier(owner):
    quota_reserve(user=owner)

    with pytest.raises(QuotaExceeded) as refused:
        quota_reserve(user=owner)

    assert refused.value.limit == "concurrency"
    assert refused.value.resets_at is None
    assert str(refused.value) == "Too many runs at once: 1 of 1 running. Wait for one to finish."


def test_a_settled_run_frees_its_slot_for_the_next(owner):
    quota_settle(reservation=quota_reserve(user=owner), compute_seconds=3)

    assert quota_reserve(user=owner).seconds_reserved == 2_700


def test_the_run_lasts_the_timeout_asked_for(owner):
    assert quota_reserve(user=owner, timeout_seconds=30).seconds_reserved == 30


def test_a_timeout_above_the_tiers_longest_run_is_capped(owner):
    assert quota_reserve(user=owner, timeout_seconds=10_000).seconds_reserved == 2_700


def test_a_timeout_under_one_second_is_rejected(owner):
    with pytest.raises(ValueError):
        quota_reserve(user=owner, timeout_seconds=0)


def test_an_ended_period_rolls_over_before_the_run(clock, owner):
    quota_reserve(user=owner)
    use(owner, runs_used=50, compute_seconds_used=7_000)
    clock.advance(days=30)

    with pytest.raises(QuotaExceeded) as refused:
        quota_reserve(user=owner)

    # The period reset, but the run still in flight keeps its slot and its seconds.
    assert refused.value.limit == "concurrency"
    quota = quota_of(owner)
    assert (quota.runs_used, quota.compute_seconds_used) == (0, 0)
    assert (quota.runs_active, quota.compute_seconds_reserved) == (1, 2_700)


def test_a_new_period_starts_when_the_run_rolls_it_over(clock, owner):
    use(owner, runs_used=50, compute_seconds_used=7_200)
    rolled_over_at = clock.advance(days=31)

    quota_reserve(user=owner)

    quota = quota_of(owner)
    assert quota.period_start == rolled_over_at
    assert (quota.runs_used, quota.compute_seconds_used) == (1, 0)


def test_a_period_one_second_short_of_30_days_does_not_roll_over(clock, owner):
    use(owner, runs_used=50)
    clock.advance(days=30, seconds=-1)

    with pytest.raises(QuotaExceeded):
        quota_reserve(user=owner)


def test_an_unlimited_tier_has_no_monthly_or_compute_limit(tier):
    user = UserFactory(tier=tier("enterprise"))
    Quota.objects.filter(user=user).update(runs_used=10**6, compute_seconds_used=10**9)

    assert quota_reserve(user=user).seconds_reserved == 18_000


def test_one_users_usage_does_not_count_against_another(owner, other_user):
    use(owner, runs_used=50)

    assert quota_reserve(user=other_user).quota.user == other_user


def test_a_tier_with_no_executions_refuses_every_run(db):
    user = UserFactory(tier=TierFactory(monthly_executions=0))

    with pytest.raises(QuotaExceeded) as refused:
        quota_reserve(user=user)

    assert refused.value.limit == "monthly_executions"
