from __future__ import annotations

import pytest

from quotas.models import Quota
from quotas.services import quota_reserve, quota_reset

pytestmark = pytest.mark.django_db


def test_it_starts_a_new_period_for_the_chosen_quotas_only(clock, owner, other_user):
    Quota.objects.update(runs_used=9, compute_seconds_used=500)
    reset_at = clock.advance(days=3)

    count = quota_reset(quotas=Quota.objects.filter(user=owner))

    assert count == 1
    mine, theirs = Quota.objects.get(user=owner), Quota.objects.get(user=other_user)
    assert (mine.runs_used, mine.compute_seconds_used, mine.period_start) == (0, 0, reset_at)
    assert (theirs.runs_used, theirs.compute_seconds_used) == (9, 500)


def test_runs_in_flight_keep_their_slot_and_seconds(owner):
    quota_reserve(user=owner, timeout_seconds=100)

    quota_reset(quotas=Quota.objects.filter(user=owner))

    quota = Quota.objects.get(user=owner)
    assert (quota.runs_used, quota.runs_active, quota.compute_seconds_reserved) == (0, 1, 100)
