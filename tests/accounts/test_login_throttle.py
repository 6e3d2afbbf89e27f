"""Sign-in throttling: per username and per address, a lock-out that says when to try
again and grows with every failure after it, on both sign-in pages and the API's tokens.

Time moves by moving the recorded failures back (no test waits)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from django.urls import reverse

from api.services.tokens import api_token_create
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_LOCKOUT_SECONDS = 60
    settings.LOGIN_LOCKOUT_MAX_SECONDS = 86400


def sign_in(client, password, *, username="owner", address="10.0.0.1", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, times, **where):
    return [sign_in(client, "wrong", **where) for _ in range(times)][-1]


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def time_passes(seconds: float) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=seconds))


def test_the_fifth_wrong_password_locks_the_account_and_says_when_to_try_again(client, owner):
    assert fail(client, 4).status_code == 200

    locked = fail(client, 1)

    assert locked.status_code == 429
    # The minute's lock-out, less however long a loaded machine took since the failure.
    assert 0 < int(locked["Retry-After"]) <= 60
    assert "Try again after" in locked.content.decode()


def test_the_right_password_is_refused_during_a_lockout(client, owner):
    fail(client, 5)

    response = sign_in(client, PASSWORD)

    assert response.status_code == 429
    assert not signed_in(client)


def test_the_right_password_works_once_the_lockout_has_passed(client, owner):
    fail(client, 5)
    time_passes(61)

    response = sign_in(client, PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_each_failure_after_a_lockout_doubles_the_next_one(client, owner):
    fail(client, 5)
    time_passes(61)

    again = fail(client, 1)

    assert again.status_code == 429
    assert int(again["Retry-After"]) == 120
    time_passes(61)
    assert sign_in(client, PASSWORD).status_code == 429
    time_passes(60)
    assert sign_in(client, PASSWORD).status_code == 302


def test_tries_during_a_lockout_do_not_lengthen_it(client, owner):
    fail(client, 5)
    fail(client, 3)

    time_passes(61)

    assert sign_in(client, PASSWORD).status_code == 302


def test_a_username_is_locked_from_every_address(client, owner):
    for n in range(5):
        fail(client, 1, address=f"10.0.1.{n}")

    assert sign_in(client, PASSWORD, address="10.0.2.1").status_code == 429


def test_an_address_guessing_many_usernames_is_locked(client, owner):
    for n in range(5):
        fail(client, 1, username=f"guess{n}")

    assert sign_in(client, PASSWORD).status_code == 429
    assert sign_in(Client(), PASSWORD, address="10.9.9.9").status_code == 302


def test_signing_in_forgets_the_users_own_failures(client, owner):
    fail(client, 4)
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()

    assert fail(client, 4).status_code == 200


def test_the_admin_login_is_throttled_too(client, staff_user):
    locked = fail(client, 5, username="operator", url=ADMIN_LOGIN)

    assert locked.status_code == 429
    assert sign_in(client, PASSWORD, username="operator", url=ADMIN_LOGIN).status_code == 429


def test_bad_api_tokens_lock_out_their_address_even_for_a_good_token(owner):
    good = api_token_create(user=owner, name="t").secret
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(4):
        response = client.get("/api/executions", headers={"Authorization": "Bearer csb_nope"})
        assert response.status_code == 401
    locked = client.get("/api/executions", headers={"Authorization": "Bearer csb_nope"})

    refused = client.get("/api/executions", headers={"Authorization": f"Bearer {good}"})

    assert locked.status_code == refused.status_code == 429
    assert refused.json()["limit"] == "login"
    assert int(refused["Retry-After"]) == 60
    elsewhere = Client(REMOTE_ADDR="10.0.0.8")
    response = elsewhere.get("/api/executions", headers={"Authorization": f"Bearer {good}"})
    assert response.status_code == 200


@pytest.mark.parametrize("peer", ["", "testclient", "unix:/run/app.sock"])
def test_a_peer_without_an_ip_address_is_throttled_not_failed(owner, peer):
    """Behind a Unix socket (or an ASGI test client) the peer has no IP address: its
    failures are still counted, and nothing fails storing one (PostgreSQL's inet type
    refuses anything else)."""
    good = api_token_create(user=owner, name="t").secret
    client = Client(REMOTE_ADDR=peer)

    bad = client.get("/api/executions", headers={"Authorization": "Bearer csb_nope"})
    fine = client.get("/api/executions", headers={"Authorization": f"Bearer {good}"})
    wrong = sign_in(client, "wrong", address=peer)

    assert (bad.status_code, fine.status_code, wrong.status_code) == (401, 200, 200)
    assert AccessAttempt.objects.filter(ip_address=None).count() == 2
