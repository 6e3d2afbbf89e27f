"""An operator overrides any tier limit for one user in the admin: shown beside the tier's
value, recorded in the admin's log (who changed what), and in force from that user's next
request."""

from __future__ import annotations

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from api.run_request import run_request_parse
from api.services.runs import api_run_start
from api.services.tokens import api_token_create
from quotas.models import Quota
from quotas.services import quota_reserve

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client, staff_user):
    client.force_login(staff_user)
    return client


def change_url(user) -> str:
    return reverse("admin:quotas_quota_change", args=[Quota.objects.get(user=user).pk])


def api_client(user) -> Client:
    secret = api_token_create(user=user, name="tests").secret
    return Client(headers={"Authorization": f"Bearer {secret}"})


def save(operator_client, user, **limits):
    """Post the change page with the user's tier and these limits overridden."""
    form = {"tier": Quota.objects.get(user=user).tier_id}
    for name, value in limits.items():
        form[f"override_{name}"] = "on"
        form[f"limit_{name}"] = "" if value is None else str(value)
    return operator_client.post(change_url(user), form)


def test_the_change_page_shows_each_limit_beside_the_tiers_value(operator_client, owner):
    page = operator_client.get(change_url(owner)).content.decode()

    assert "Own limits" in page
    assert "The Free tier's: 1." in page  # vCPUs, most
    assert "The Free tier's: 120." in page  # API requests per window
    assert "The Free tier's: 7,200." in page  # compute seconds


def test_an_override_is_saved_and_logged_with_who_and_what(operator_client, owner, staff_user):
    response = save(operator_client, owner, vcpus_max=4, monthly_executions=None)

    assert response.status_code == 302, response.content.decode()[:2000]
    quota = Quota.objects.get(user=owner)
    assert quota.overrides == {"monthly_executions": None, "vcpus_max": 4}
    assert (quota.limits.vcpus_max, quota.limits.monthly_executions) == (4, None)
    assert quota.tier.vcpus_max == 1  # the tier is untouched
    entry = LogEntry.objects.get(object_id=str(quota.pk))
    assert entry.user == staff_user
    message = entry.get_change_message()
    assert "monthly executions: the tier's 50 → unlimited" in message
    assert "vcpus max: the tier's 1 → 4" in message


def test_unticking_gives_the_user_back_the_tiers_value_and_says_so(operator_client, owner):
    save(operator_client, owner, vcpus_max=4)

    save(operator_client, owner)

    quota = Quota.objects.get(user=owner)
    assert quota.overrides == {}
    assert quota.limits.vcpus_max == 1
    latest = LogEntry.objects.filter(object_id=str(quota.pk)).order_by("-action_time").first()
    assert "vcpus max: 4 → the tier's 1" in latest.get_change_message()


def test_saving_keeps_runs_reserved_meanwhile(operator_client, owner):
    page_read = operator_client.get(change_url(owner))
    assert page_read.status_code == 200
    quota_reserve(user=owner, timeout_seconds=60)

    save(operator_client, owner, max_concurrent_runs=3)

    quota = Quota.objects.get(user=owner)
    assert (quota.runs_active, quota.runs_used, quota.compute_seconds_reserved) == (1, 1, 60)


@pytest.mark.parametrize(
    ("limits", "field", "message"),
    [
        ({"vcpus_default": 2}, "limit_vcpus_default", "The default vCPUs cannot be more"),
        ({"max_run_seconds": None}, "limit_max_run_seconds", "Give a value, or untick"),
        ({"vcpus_max": 0}, "limit_vcpus_max", "A run needs at least one vCPU."),
    ],
)
def test_an_override_that_does_not_hold_together_is_refused(
    operator_client, owner, limits, field, message
):
    response = save(operator_client, owner, **limits)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Quota.objects.get(user=owner).overrides == {}


def test_a_rate_limit_override_takes_effect_on_the_next_request(operator_client, owner):
    api = Client(
        headers={"Authorization": f"Bearer {api_token_create(user=owner, name='tests').secret}"}
    )
    assert api.get("/api/executions")["X-RateLimit-Limit"] == "120"

    save(operator_client, owner, rate_limit_requests=2)

    answer = api.get("/api/executions")
    assert answer["X-RateLimit-Limit"] == "2"
    assert answer["X-RateLimit-Remaining"] == "0"  # its second request this window
    assert api.get("/api/executions").status_code == 429


def test_a_vcpu_override_takes_effect_on_the_next_run_request(operator_client, owner):
    api = Client(
        headers={"Authorization": f"Bearer {api_token_create(user=owner, name='tests').secret}"}
    )
    body = json.dumps({"code": "print(1)", "vcpus": 2})
    refused = api.post("/api/sandbox", body, content_type="application/json")
    assert (refused.status_code, refused.json()["field"]) == (400, "vcpus")

    save(operator_client, owner, vcpus_max=2)

    execution = api_run_start(user=owner, run=run_request_parse(body.encode()))
    assert execution.snapshot["resources"]["vcpus"] == 2


def test_a_compute_override_changes_what_a_run_may_reserve(operator_client, owner):
    Quota.objects.filter(user=owner).update(compute_seconds_used=7_200)  # the tier's all

    save(operator_client, owner, compute_seconds=10_000)

    assert quota_reserve(user=owner, timeout_seconds=60).seconds_reserved == 60
