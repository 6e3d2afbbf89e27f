from __future__ import annotations

import pytest
from django.urls import reverse

from quotas.models import Quota
from quotas.services import quota_reserve
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = reverse("profile")


def test_it_needs_a_signed_in_user(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={PROFILE}"


def test_it_shows_who_the_user_is_and_their_tier(client, owner):
    client.force_login(owner)

    page = client.get(PROFILE).content.decode()

    assert "owner@example.com" in page
    assert "Free" in page


def test_compute_reads_as_vcpu_time(client, owner):
    client.force_login(owner)

    page = client.get(PROFILE).content.decode()

    assert "(vCPU time: a run's time × its vCPUs)" in page


def test_it_shows_this_periods_usage(clock, client, owner):
    Quota.objects.filter(user=owner).update(runs_used=12, compute_seconds_used=5_400)
    quota_reserve(user=owner, timeout_seconds=60)
    client.force_login(owner)

    page = client.get(PROFILE).content.decode()

    assert "13 of 50 used · 37 left" in page
    assert "1 h 30 min of 2 h used" in page
    assert "1 min held by runs in progress" in page
    assert "1 of 1 running" in page
    assert "45 min" in page
    assert "started 2026-11-29 14:00 UTC" in page
    assert "resets 2026-12-29 14:00 UTC" in page


def test_it_says_when_compute_left_caps_the_next_run(client, owner):
    Quota.objects.filter(user=owner).update(compute_seconds_used=7_200 - 600)
    client.force_login(owner)

    page = client.get(PROFILE).content.decode()

    assert "your next run can last up to 10 min" in page


def test_an_ended_period_shows_as_reset(clock, client, owner):
    Quota.objects.filter(user=owner).update(runs_used=50)
    clock.advance(days=31)
    client.force_login(owner)

    page = client.get(PROFILE).content.decode()

    assert "0 of 50 used · 50 left" in page
    assert f"started {clock.now:%Y-%m-%d %H:%M} UTC" in page


def test_an_unlimited_tier_reads_as_unlimited(client, tier):
    user = UserFactory(tier=tier("enterprise"))
    client.force_login(user)

    page = client.get(PROFILE).content.decode()

    assert "0 used (unlimited)" in page
    assert "0 s used (unlimited)" in page
    assert "5 h" in page


def test_it_shows_only_the_signed_in_users_numbers(client, owner, other_user):
    Quota.objects.filter(user=other_user).update(runs_used=42)
    client.force_login(owner)

    page = client.get(PROFILE).content.decode()

    assert "0 of 50 used" in page
    assert "42 of 50" not in page
    assert "other@example.com" not in page
