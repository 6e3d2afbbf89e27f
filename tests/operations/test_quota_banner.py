"""The in-app banner: a user at 80 % of a quota or more sees it on every page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quotas.models import Quota

pytestmark = pytest.mark.django_db


def home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_no_banner_below_80_percent(client, owner):
    Quota.objects.filter(user=owner).update(runs_used=39)

    assert "banner-quota" not in home(client, owner)


def test_at_80_percent_the_user_is_warned_with_the_reset_date(client, owner):
    Quota.objects.filter(user=owner).update(runs_used=41)

    page = home(client, owner)

    assert "banner-quota" in page
    assert "You have used 41 of 50 runs this period. It resets on" in page


def test_at_100_percent_new_runs_are_said_to_be_refused(client, owner):
    Quota.objects.filter(user=owner).update(compute_seconds_used=7_200)

    page = home(client, owner)

    assert "Quota used up: 2 h of 2 h compute time. New runs are refused until" in page


def test_signed_out_visitors_see_no_quota_banner(client):
    page = client.get(reverse("login")).content.decode()

    assert "banner-quota" not in page


def test_the_banner_comes_alone_for_the_pages_that_reload_it(client, owner):
    Quota.objects.filter(user=owner).update(runs_used=50)
    client.force_login(owner)

    response = client.get(reverse("quota_banner"))

    html = response.content.decode().strip()
    assert html.startswith('<div id="quota-banner"')
    assert "Quota used up: 50 of 50 runs." in html
    assert "<html" not in html


def test_the_banner_alone_needs_a_signed_in_user(client):
    assert client.get(reverse("quota_banner")).status_code == 302
