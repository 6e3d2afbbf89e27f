from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
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
