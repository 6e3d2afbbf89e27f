"""Compute is charged in vCPU-seconds: a run's wall time times its vCPUs. The tier's
compute quota and its longest run are vCPU-seconds too, so a 2-vCPU run reserves twice
its timeout and may last half as long."""

from __future__ import annotations

import pytest

from quotas.exceptions import QuotaExceeded
from quotas.models import Quota
from quotas.selectors import quota_max_timeout
from quotas.services import quota_reserve, quota_settle
from tests.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    tier = TierFactory(compute_seconds=1_000, max_run_seconds=600, vcpus_max=4)
    return UserFactory(username="multi", tier=tier)


def quota_of(user) -> Quota:
    return Quota.objects.get(user=user)


def test_a_two_vcpu_run_reserves_its_timeout_twice_over(user):
    reservation = quota_reserve(user=user, timeout_seconds=60, vcpus=2)

    assert reservation.seconds_reserved == 120
    assert quota_of(user).compute_seconds_reserved == 120


def test_it_is_charged_wall_time_times_vcpus_rounded_up(user):
    reservation = quota_reserve(user=user, timeout_seconds=60, vcpus=2)

    quota_settle(reservation=reservation, compute_seconds=10.2, vcpus=2)

    assert quota_of(user).compute_seconds_used == 21  # 20.4 vCPU-seconds
    reservation.refresh_from_db()
    assert reservation.seconds_charged == 21


def test_the_longest_run_is_vcpu_seconds(user):
    assert quota_max_timeout(user=user, vcpus=4) == 150
    assert quota_max_timeout(user=user, vcpus=1) == 600

    reservation = quota_reserve(user=user, vcpus=4)

    assert reservation.seconds_reserved == 600  # 150 s of wall time at 4 vCPUs


def test_the_compute_left_is_shared_out_in_whole_seconds_of_the_run(user):
    Quota.objects.filter(user=user).update(compute_seconds_used=995)

    reservation = quota_reserve(user=user, timeout_seconds=60, vcpus=2)

    assert reservation.seconds_reserved == 4  # 2 s at 2 vCPUs, of the 5 left


def test_less_than_one_second_at_its_vcpus_is_refused(user):
    Quota.objects.filter(user=user).update(compute_seconds_used=997)

    with pytest.raises(QuotaExceeded) as refusal:
        quota_reserve(user=user, timeout_seconds=60, vcpus=4)

    assert refusal.value.limit == "compute_seconds"
    assert "less than one second at 4 vCPUs" in refusal.value.message
    assert quota_of(user).runs_active == 0
