from __future__ import annotations

import pytest
from django.urls import reverse

from quotas.models import Quota

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:quotas_quota_changelist")


@pytest.fixture
def operator_client(client, staff_user):
    client.force_login(staff_user)
    return client


def change_url(user) -> str:
    return reverse("admin:quotas_quota_change", args=[Quota.objects.get(user=user).pk])


def test_the_list_shows_usage_against_the_limits(operator_client, owner):
    Quota.objects.filter(user=owner).update(runs_used=25, compute_seconds_used=1_800)

    page = operator_client.get(CHANGELIST).content.decode()

    assert "owner" in page
    assert '<progress class="quota-bar" value="50" max="100"' in page
    assert "25 / 50" in page
    assert "30 min / 2 h" in page


def test_it_finds_a_quota_by_email(operator_client, owner, other_user):
    page = operator_client.get(CHANGELIST, {"q": "other@example.com"}).content.decode()

    assert f"{Quota.objects.get(user=other_user).pk}/change/" in page
    assert f"{Quota.objects.get(user=owner).pk}/change/" not in page


def test_it_filters_by_tier(operator_client, owner, other_user, tier):
    Quota.objects.filter(user=other_user).update(tier=tier("pro"))

    response = operator_client.get(CHANGELIST, {"tier__id__exact": tier("pro").pk})

    assert [quota.user for quota in response.context["cl"].result_list] == [other_user]


def test_the_change_page_loads(operator_client, owner):
    response = operator_client.get(change_url(owner))

    assert response.status_code == 200
    assert "Resets" in response.content.decode()


def test_saving_the_change_page_moves_the_tier_and_keeps_runs_reserved_meanwhile(
    operator_client, owner, tier
):
    operator_client.get(change_url(owner))
    Quota.objects.filter(user=owner).update(runs_used=3, runs_active=1)

    response = operator_client.post(change_url(owner), {"tier": tier("pro").pk})

    assert response.status_code == 302
    quota = Quota.objects.get(user=owner)
    assert (quota.tier.name, quota.runs_used, quota.runs_active) == ("pro", 3, 1)


def test_the_reset_action_resets_the_selected_quotas(operator_client, owner, other_user):
    Quota.objects.update(runs_used=7)

    response = operator_client.post(
        CHANGELIST,
        {
            "action": "reset_selected",
            "_selected_action": [Quota.objects.get(user=owner).pk],
        },
        follow=True,
    )

    assert "Reset 1 quota." in response.content.decode()
    assert Quota.objects.get(user=owner).runs_used == 0
    assert Quota.objects.get(user=other_user).runs_used == 7


def test_the_change_tier_action_moves_the_selected_quotas(operator_client, owner, tier):
    response = operator_client.post(
        CHANGELIST,
        {
            "action": "change_tier",
            "tier": tier("premium").pk,
            "_selected_action": [Quota.objects.get(user=owner).pk],
        },
        follow=True,
    )

    assert "Moved 1 quota to the Premium tier." in response.content.decode()
    assert Quota.objects.get(user=owner).tier.name == "premium"


def test_the_change_tier_action_asks_for_a_tier(operator_client, owner):
    response = operator_client.post(
        CHANGELIST,
        {"action": "change_tier", "_selected_action": [Quota.objects.get(user=owner).pk]},
        follow=True,
    )

    assert "Choose a tier next to the action" in response.content.decode()
    assert Quota.objects.get(user=owner).tier.name == "free"


def test_quotas_cannot_be_added_or_deleted_by_hand(operator_client, owner):
    quota = Quota.objects.get(user=owner)

    assert operator_client.get(reverse("admin:quotas_quota_add")).status_code == 403
    delete = reverse("admin:quotas_quota_delete", args=[quota.pk])
    assert operator_client.post(delete, {"post": "yes"}).status_code == 403
    assert Quota.objects.filter(pk=quota.pk).exists()


@pytest.mark.parametrize("url", [CHANGELIST, "change"])
def test_a_signed_in_user_who_is_not_staff_is_sent_to_the_admin_login(client, owner, url):
    client.force_login(owner)
    url = change_url(owner) if url == "change" else url

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_non_staff_user_cannot_run_an_action(client, owner, tier):
    client.force_login(owner)
    Quota.objects.filter(user=owner).update(runs_used=50)

    client.post(
        CHANGELIST,
        {
            "action": "change_tier",
            "tier": tier("enterprise").pk,
            "_selected_action": [Quota.objects.get(user=owner).pk],
        },
    )

    quota = Quota.objects.get(user=owner)
    assert (quota.tier.name, quota.runs_used) == ("free", 50)
