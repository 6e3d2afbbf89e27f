"""Who may call the API: a live bearer token, or a signed-in browser (with CSRF on POST)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.services.tokens import api_token_create, api_token_revoke
from tests.clients import bearer, post_json

URL = "/api/executions"


def assert_unauthorized(response) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_a_request_without_credentials_is_a_401(client, db):
    assert_unauthorized(client.get(URL))
    assert_unauthorized(post_json(client, "/api/sandbox", {"code": "print(1)"}))


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "Token csb_abc",
        "Basic dXNlcjpwYXNz",
        "Bearer csb_wrong",
        "Bearer x",
    ],
)
def test_a_malformed_or_unknown_token_is_a_401(client, db, header):
    assert_unauthorized(client.get(URL, headers={"Authorization": header}))


def test_a_token_authenticates_its_owner(api, owner):
    response = api.get(URL)
    assert response.status_code == 200
    assert response.json() == {"executions": [], "next": None}


def test_a_revoked_token_is_refused_at_once(owner):
    issued = api_token_create(user=owner, name="CI")
    client = Client(headers=bearer(issued.secret))
    assert client.get(URL).status_code == 200

    assert api_token_revoke(token=issued.token)

    assert_unauthorized(client.get(URL))
    assert not api_token_revoke(token=issued.token)


def test_the_token_of_a_deactivated_user_is_refused(api, owner):
    owner.is_active = False
    owner.save()
    assert_unauthorized(api.get(URL))


def test_using_a_token_records_when_it_was_last_used(api, owner):
    token = ApiToken.objects.get(user=owner)
    assert token.last_used_at is None
    before = timezone.now()

    api.get(URL)

    token.refresh_from_db()
    assert token.last_used_at >= before


def test_only_a_hash_of_the_token_is_stored(owner):
    issued = api_token_create(user=owner, name="CI")
    row = ApiToken.objects.values().get(pk=issued.token.pk)
    assert issued.secret not in {str(value) for value in row.values()}
    assert issued.secret.startswith(row["prefix"])


def test_a_signed_in_browser_may_read(client, owner):
    client.force_login(owner)
    assert client.get(URL).status_code == 200


def test_a_signed_in_browser_must_send_the_csrf_token_to_post(owner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    browser.get("/account/")  # sets the CSRF cookie, as the page would
    csrf = browser.cookies["csrftoken"].value

    without = post_json(browser, "/api/sandbox", {"code": ""})
    with_token = post_json(browser, "/api/sandbox", {"code": ""}, headers={"X-CSRFToken": csrf})

    assert without.status_code == 403
    assert "CSRF" in without.json()["error"]
    assert with_token.status_code == 400  # got past authentication to the validation


def test_a_token_request_needs_no_csrf_token(owner_token):
    program = Client(enforce_csrf_checks=True, headers=bearer(owner_token))
    assert post_json(program, "/api/sandbox", {"code": ""}).status_code == 400


def test_a_bad_token_is_refused_even_with_a_session(client, owner):
    client.force_login(owner)
    assert_unauthorized(client.get(URL, headers={"Authorization": "Bearer csb_wrong"}))
