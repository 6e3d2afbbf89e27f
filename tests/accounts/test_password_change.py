from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from api.services.tokens import api_token_create
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a different long passphrase"


def test_it_needs_a_signed_in_user(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_changes_the_password_and_keeps_the_user_signed_in(client, owner):
    client.force_login(owner)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "Password changed" in response.content.decode()
    assert User.objects.get(pk=owner.pk).check_password(NEW_PASSWORD)
    assert client.get(reverse("profile")).status_code == 200


def test_a_wrong_old_password_changes_nothing(client, owner):
    client.force_login(owner)

    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert "Your old password was entered incorrectly." in response.content.decode()
    assert User.objects.get(pk=owner.pk).check_password(PASSWORD)


def change(client, **extra):
    fields = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD} | extra
    return client.post(reverse("password_change"), fields | {"new_password2": NEW_PASSWORD})


def test_the_page_offers_to_revoke_every_api_token(client, owner):
    client.force_login(owner)

    page = client.get(reverse("password_change")).content.decode()

    assert 'name="revoke_api_tokens"' in page
    assert "Your API tokens" in page


def test_it_signs_out_the_users_other_browsers(client, owner):
    other_browser = Client()
    other_browser.force_login(owner)
    client.force_login(owner)

    change(client)

    assert other_browser.get(reverse("profile")).status_code == 302
    assert client.get(reverse("profile")).status_code == 200


def test_ticking_the_box_revokes_every_api_token(client, owner):
    secrets = [api_token_create(user=owner, name=name).secret for name in ("ci", "laptop")]
    client.force_login(owner)

    response = change(client, revoke_api_tokens="on")

    assert "2 API tokens revoked." in client.get(response.url).content.decode()
    for secret in secrets:
        answer = Client().get("/api/executions", headers={"Authorization": f"Bearer {secret}"})
        assert answer.status_code == 401


def test_without_the_box_api_tokens_keep_working(client, owner):
    secret = api_token_create(user=owner, name="ci").secret
    client.force_login(owner)

    change(client)

    answer = Client().get("/api/executions", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
