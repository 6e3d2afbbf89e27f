from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from quotas.models import Quota

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_the_user_page_shows_the_quota(operator_client, owner):
    Quota.objects.filter(user=owner).update(runs_used=12)

    response = operator_client.get(reverse("admin:accounts_user_change", args=[owner.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "12 / 50" in page
    assert "Free" in page


def test_the_user_list_shows_each_tier(operator_client, owner):
    page = operator_client.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert "owner" in page
    assert "Free" in page


def test_a_user_added_in_the_admin_gets_a_free_quota(operator_client):
    response = operator_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "added",
            "usable_password": "true",
            "password1": "a long unusual passphrase",
            "password2": "a long unusual passphrase",
        },
    )

    assert response.status_code == 302
    assert Quota.objects.get(user=User.objects.get(username="added")).tier.name == "free"


def test_saving_the_user_page_leaves_the_quota_alone(operator_client, owner):
    url = reverse("admin:accounts_user_change", args=[owner.pk])
    form = operator_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {
        "date_joined_0": owner.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": owner.date_joined.strftime("%H:%M:%S"),
        "quota-TOTAL_FORMS": "1",
        "quota-INITIAL_FORMS": "1",
        "quota-MIN_NUM_FORMS": "0",
        "quota-MAX_NUM_FORMS": "1",
        "quota-0-id": Quota.objects.get(user=owner).pk,
        "quota-0-user": owner.pk,
    }
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    Quota.objects.filter(user=owner).update(runs_used=5)

    response = operator_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Quota.objects.get(user=owner).runs_used == 5
