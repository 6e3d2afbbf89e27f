from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import User
from quotas.models import Quota
from quotas.services import quota_create_for_user
from tests.factories import TierFactory

pytestmark = pytest.mark.django_db


def test_a_new_user_gets_a_free_quota_with_nothing_used(clock, owner):
    quota = Quota.objects.get(user=owner)

    assert quota.tier.name == "free"
    assert (quota.runs_used, quota.runs_active, quota.compute_seconds_used) == (0, 0, 0)
    assert quota.period_start == clock.now


def test_a_superuser_from_createsuperuser_gets_a_quota(tier):
    tier("free")

    call_command("createsuperuser", username="root", email="root@example.com", interactive=False)

    assert Quota.objects.get(user__username="root").tier.name == "free"


def test_it_can_start_a_user_on_another_tier(db):
    tier = TierFactory()
    user = User.objects.create(username="bare")
    Quota.objects.filter(user=user).delete()

    assert quota_create_for_user(user=user, tier=tier).tier == tier


def test_calling_it_again_keeps_the_existing_quota(owner):
    Quota.objects.filter(user=owner).update(runs_used=7)

    quota = quota_create_for_user(user=owner, tier=TierFactory())

    assert (quota.tier.name, quota.runs_used) == ("free", 7)
    assert Quota.objects.filter(user=owner).count() == 1
