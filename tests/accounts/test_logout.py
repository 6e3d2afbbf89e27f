from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_logging_out_ends_the_session(client, owner):
    client.force_login(owner)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_a_get_does_not_log_out(client, owner):
    client.force_login(owner)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_every_page_offers_a_log_out_button_to_a_signed_in_user(client, owner):
    client.force_login(owner)

    page = client.get(reverse("profile")).content.decode()

    assert f'action="{reverse("logout")}"' in page
    assert "Log out" in page
