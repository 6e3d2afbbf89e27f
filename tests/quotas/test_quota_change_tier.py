from __future__ import annotations

import pytest

from quotas.models import Quota
from quotas.services import quota_change_tier, quota_reserve

pytestmark = pytest.mark.django_db


def test_it_moves_the_chosen_quotas_and_keeps_their_usage(owner, other_user, tier):
    Quota.objects.filter(user=owner).update(runs_used=50)

    count = quota_change_tier(quotas=Quota.objects.filter(user=owner), tier=tier("pro"))

    assert count == 1
    assert Quota.objects.get(user=owner).runs_used == 50
    assert Quota.objects.get(user=other_user).tier.name == "free"


def test_the_new_limits_apply_to_the_next_run(owner, tier):
    Quota.objects.filter(user=owner).update(runs_used=50)
    quota_change_tier(quotas=Quota.objects.filter(user=owner), tier=tier("pro"))

    assert quota_reserve(user=owner).seconds_reserved == 18_000
