from __future__ import annotations

import pytest
from django.urls import reverse

from quotas.models import Tier

pytestmark = pytest.mark.django_db

ADD = reverse("admin:quotas_tier_add")


@pytest.fixture
def operator_client(client, staff_user):
    client.force_login(staff_user)
    return client


def tier_form(**fields) -> dict:
    return {
        "name": "team",
        "label": "Team",
        "monthly_executions": "1000",
        "compute_seconds": "",
        "max_run_seconds": "3600",
        "max_concurrent_runs": "4",
        "storage_bytes": "10485760",
        "network_default": "none",
        "network_max": "allow_list",
        "network_max_bytes": "1048576",
        "vcpus_default": "1",
        "vcpus_max": "2",
        "memory_mb_default": "256",
        "memory_mb_max": "1024",
        "disk_mb": "128",
        "max_processes": "64",
        "output_kb": "1024",
        "rate_limit_requests": "300",
        "rate_limit_window_seconds": "60",
        "ordering": "15",
    } | fields


def test_the_list_shows_limits_in_words(operator_client, tier):
    tier("enterprise")

    page = operator_client.get(reverse("admin:quotas_tier_changelist")).content.decode()

    assert "45 min" in page
    assert "unlimited" in page


def test_an_operator_adds_a_tier_with_unlimited_compute(operator_client):
    response = operator_client.post(ADD, tier_form())

    assert response.status_code == 302
    team = Tier.objects.get(name="team")
    assert (team.monthly_executions, team.compute_seconds) == (1_000, None)


def test_a_negative_limit_is_refused_with_a_message(operator_client):
    response = operator_client.post(ADD, tier_form(monthly_executions="-5"))

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    assert not Tier.objects.filter(name="team").exists()


def test_a_zero_concurrency_is_refused_with_a_message(operator_client):
    response = operator_client.post(ADD, tier_form(max_concurrent_runs="0"))

    assert "At least one concurrent run must be allowed." in response.content.decode()
    assert not Tier.objects.filter(name="team").exists()


def test_a_tier_in_use_cannot_be_deleted(operator_client, owner):
    free = Tier.objects.get(name="free")

    operator_client.post(reverse("admin:quotas_tier_delete", args=[free.pk]), {"post": "yes"})

    assert Tier.objects.filter(pk=free.pk).exists()


def test_a_non_staff_user_cannot_add_a_tier(client, owner):
    client.force_login(owner)

    response = client.post(ADD, tier_form())

    assert response.status_code == 302
    assert not Tier.objects.filter(name="team").exists()


@pytest.mark.parametrize(
    ("default", "widest", "words"),
    [
        ("internet", "allow_list", "cannot be wider than the widest allowed"),
        ("allow_list", "internet", "An allow-list needs its domains"),
    ],
)
def test_a_tiers_default_network_must_fit_its_widest(operator_client, default, widest, words):
    response = operator_client.post(ADD, tier_form(network_default=default, network_max=widest))

    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Tier.objects.filter(name="team").exists()


def test_an_operator_sets_a_tiers_network(operator_client):
    response = operator_client.post(
        ADD, tier_form(network_default="internet", network_max="internet", network_max_bytes="")
    )

    assert response.status_code == 302
    tier = Tier.objects.get(name="team")
    assert (tier.network_default, tier.network_max, tier.network_max_bytes) == (
        "internet",
        "internet",
        None,
    )


def test_an_operator_cannot_give_a_default_over_the_most_allowed(operator_client):
    response = operator_client.post(ADD, tier_form(vcpus_default="4", vcpus_max="2"))

    assert response.status_code == 200
    assert "The default vCPUs cannot be more than the most allowed." in response.content.decode()
    assert not Tier.objects.filter(name="team").exists()
