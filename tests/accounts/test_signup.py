from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
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


def test_the_answer_is_the_same_whether_or_not_the_email_has_an_account(owner):
    answers = []
    for username, email in (("ada", "ada@example.com"), ("eve", "owner@example.com")):
        client = Client()
        response = client.post(SIGNUP, signup_form(username=username, email=email))
        page = client.get(response.url)
        told = [str(m).replace(email, "EMAIL") for m in page.context["messages"]]
        answers.append((response.status_code, response.url, page.status_code, told))

    assert answers[0] == answers[1]
    assert answers[0][3] == ["We sent a link to EMAIL: open it to confirm your address."]
    assert User.objects.filter(username__in=["ada", "eve"]).count() == 2


def test_a_new_address_is_mailed_a_link_that_verifies_it(client):
    client.post(SIGNUP, signup_form())
    user = User.objects.get(username="ada")
    assert not user.email_verified

    (message,) = mail.outbox
    link = re.search(r"http://\S+/account/verify/\S+/", message.body)[0]
    response = client.get(urlsplit(link).path)

    assert message.to == ["ada@example.com"]
    assert response.status_code == 200
    assert "Address confirmed" in response.content.decode()
    assert User.objects.get(username="ada").email_verified
    assert client.get(urlsplit(link).path).status_code == 400  # used once


def test_an_address_another_account_verified_gets_a_notice_and_no_link(owner):
    Client().post(SIGNUP, signup_form(email="owner@example.com"))

    (message,) = mail.outbox
    assert message.to == ["owner@example.com"]
    assert "/account/verify/" not in message.body
    assert "already confirmed" in message.body
    assert not User.objects.get(username="ada").email_verified


def test_a_link_stops_working_when_the_address_changes(client):
    client.post(SIGNUP, signup_form())
    path = urlsplit(re.search(r"http://\S+/account/verify/\S+/", mail.outbox[0].body)[0]).path
    User.objects.filter(username="ada").update(email="other@example.com")

    assert client.get(path).status_code == 400
    assert not User.objects.get(username="ada").email_verified


def test_the_account_page_offers_to_send_the_link_again(client):
    client.post(SIGNUP, signup_form())
    mail.outbox.clear()

    page = client.get(reverse("profile")).content.decode()
    client.post(reverse("email_verify_resend"))

    assert "not confirmed yet" in page
    assert len(mail.outbox) == 1


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
