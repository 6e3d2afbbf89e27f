from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from quotas.models import Quota

pytestmark = pytest.mark.django_db

SIGNUP = reverse("signup")


def signup_form(**fields) -> dict:
    return {
        "username": "ada",
        "email": "ada@example.com",
        "password1": "analytical engine 1843",
        "password2": "analytical engine 1843",
    } | fields


def test_the_page_renders_the_form(client):
    response = client.get(SIGNUP)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="email"' in page
    assert 'name="password2"' in page


def test_signing_up_creates_a_user_on_the_free_tier_and_signs_them_in(client, tier):
    tier("free")

    response = client.post(SIGNUP, signup_form())

    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(username="ada")
    assert user.email == "ada@example.com"
    assert user.check_password("analytical engine 1843")
    quota = Quota.objects.get(user=user)
    assert (quota.tier.name, quota.runs_used) == ("free", 0)
    assert client.get(reverse("profile")).context["user"] == user


def test_an_email_is_required(client):
    response = client.post(SIGNUP, signup_form(email=""))

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not User.objects.filter(username="ada").exists()


def test_an_email_already_in_use_is_refused(client, owner):
    response = client.post(SIGNUP, signup_form(email="OWNER@example.com"))

    assert "An account with this email address already exists." in response.content.decode()
    assert not User.objects.filter(username="ada").exists()


def test_a_taken_username_is_refused(client, owner):
    response = client.post(SIGNUP, signup_form(username="owner"))

    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username="owner").count() == 1


def test_mismatched_passwords_are_refused(client):
    response = client.post(SIGNUP, signup_form(password2="something else entirely"))

    assert "The two password fields didn’t match." in response.content.decode()
    assert not User.objects.filter(username="ada").exists()


def test_a_weak_password_is_refused(client):
    response = client.post(SIGNUP, signup_form(password1="password", password2="password"))

    assert "This password is too common." in response.content.decode()


def test_a_signed_in_user_is_sent_to_their_account(client, owner):
    client.force_login(owner)

    response = client.get(SIGNUP)

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_sign_up_can_be_closed(client, settings):
    settings.REGISTRATION_OPEN = False

    assert client.get(SIGNUP).status_code == 404
    assert client.post(SIGNUP, signup_form()).status_code == 404
    assert not User.objects.filter(username="ada").exists()
