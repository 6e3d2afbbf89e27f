from __future__ import annotations

import pytest

from quotas.models import Quota, Reservation
from quotas.services import quota_reserve, quota_settle

pytestmark = pytest.mark.django_db


def quota_of(user) -> Quota:
    return Quota.objects.get(user=user)


def test_it_charges_the_seconds_used_and_frees_the_slot(clock, owner):
    reservation = quota_reserve(user=owner, timeout_seconds=60)
    settled_at = clock.advance(seconds=12)

    assert quota_settle(reservation=reservation, compute_seconds=12.0) is True

    quota = quota_of(owner)
    assert (quota.runs_used, quota.runs_active) == (1, 0)
    assert (quota.compute_seconds_used, quota.compute_seconds_reserved) == (12, 0)
    reservation.refresh_from_db()
    assert (reservation.seconds_charged, reservation.settled_at) == (12, settled_at)


def test_it_rounds_a_part_second_up(owner):
    reservation = quota_reserve(user=owner, timeout_seconds=60)

    quota_settle(reservation=reservation, compute_seconds=2.01)

    assert quota_of(owner).compute_seconds_used == 3


def test_a_run_that_used_no_time_costs_nothing(owner):
    quota_settle(reservation=quota_reserve(user=owner), compute_seconds=0)

    assert quota_of(owner).compute_seconds_used == 0


def test_it_never_charges_more_than_was_reserved(owner):
    reservation = quota_reserve(user=owner, timeout_seconds=30)

    quota_settle(reservation=reservation, compute_seconds=31.7)

    assert quota_of(owner).compute_seconds_used == 30


def test_settling_twice_charges_once(owner):
    reservation = quota_reserve(user=owner, timeout_seconds=60)

    first = quota_settle(reservation=reservation, compute_seconds=10)
    second = quota_settle(reservation=reservation, compute_seconds=10)

    assert (first, second) == (True, False)
    quota = quota_of(owner)
    assert (quota.compute_seconds_used, quota.runs_active, quota.compute_seconds_reserved) == (
        10,
        0,
        0,
    )


def test_settling_a_stale_copy_of_a_settled_reservation_changes_nothing(owner):
    reservation = quota_reserve(user=owner, timeout_seconds=60)
    stale_copy = Reservation.objects.get(pk=reservation.pk)
    quota_settle(reservation=reservation, compute_seconds=5)

    assert quota_settle(reservation=stale_copy, compute_seconds=50) is False

    assert quota_of(owner).compute_seconds_used == 5
    stale_copy.refresh_from_db()
    assert stale_copy.seconds_charged == 5


def test_it_only_touches_its_own_quota(owner, other_user):
    quota_reserve(user=other_user)

    quota_settle(reservation=quota_reserve(user=owner), compute_seconds=4)

    other = quota_of(other_user)
    assert (other.runs_active, other.compute_seconds_used) == (1, 0)


def test_installing_packages_is_charged_on_top_of_what_the_run_reserved(owner):
    reservation = quota_reserve(user=owner, timeout_seconds=2)

    quota_settle(reservation=reservation, compute_seconds=1.5, install_seconds=40)

    assert quota_of(owner).compute_seconds_used == 2 + 40
    reservation.refresh_from_db()
    assert reservation.seconds_charged == 2  # the run's own part, within its reservation
