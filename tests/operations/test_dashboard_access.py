"""The usage dashboard shows every user's usage: it needs its own permission, which
superusers have and other staff are granted, not merely being staff."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("operations_dashboard")


@pytest.fixture
def plain_staff(db):
    return UserFactory(username="helpdesk", is_staff=True)


def test_a_superuser_sees_the_dashboard(client, staff_user):
    client.force_login(staff_user)

    assert client.get(DASHBOARD).status_code == 200
    assert DASHBOARD in client.get(reverse("home")).content.decode()


def test_staff_without_the_permission_get_a_403_and_no_link(client, plain_staff):
    client.force_login(plain_staff)

    assert client.get(DASHBOARD).status_code == 403
    assert DASHBOARD not in client.get(reverse("home")).content.decode()
    assert f'href="{DASHBOARD}"' not in client.get(reverse("admin:index")).content.decode()


def test_staff_granted_the_permission_see_it(client, plain_staff):
    plain_staff.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    client.force_login(plain_staff)

    assert client.get(DASHBOARD).status_code == 200
    assert f'href="{DASHBOARD}"' in client.get(reverse("admin:index")).content.decode()


def test_a_user_gets_a_403(client, owner):
    client.force_login(owner)

    assert client.get(DASHBOARD).status_code == 403


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
