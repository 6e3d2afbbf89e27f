from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def test_the_page_renders_the_form(client):
    page = client.get(LOGIN).content.decode()

    assert 'name="username"' in page
    assert 'name="password"' in page
    assert reverse("signup") in page


def test_the_right_password_signs_in_and_opens_the_sandboxes_list(client, owner):
    response = client.post(LOGIN, {"username": "owner", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home") == "/"
    assert client.get(reverse("profile")).status_code == 200


def test_a_wrong_password_shows_an_error_and_does_not_sign_in(client, owner):
    response = client.post(LOGIN, {"username": "owner", "password": "not it"})

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert client.get(reverse("profile")).status_code == 302


def test_it_returns_to_the_page_asked_for(client, owner):
    response = client.post(
        LOGIN, {"username": "owner", "password": PASSWORD, "next": reverse("password_change")}
    )

    assert response.url == reverse("password_change")


def test_it_does_not_redirect_off_site(client, owner):
    response = client.post(
        LOGIN, {"username": "owner", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert response.url == reverse("home")


def test_an_inactive_user_cannot_sign_in(client, owner):
    owner.is_active = False
    owner.save()

    response = client.post(LOGIN, {"username": "owner", "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
