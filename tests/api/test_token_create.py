"""Creating an API token on the account page: its secret shown once, only a hash kept."""

from __future__ import annotations

from django.test import Client

from api.models import ApiToken
from api.services.tokens import MAX_ACTIVE_TOKENS, api_token_create
from tests.clients import bearer

URL = "/account/api-tokens/"


def test_the_new_token_is_shown_once_and_works(client, owner):
    client.force_login(owner)

    response = client.post(URL, {"name": "CI"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=owner)
    secret = response.context["issued"].secret
    assert secret in response.content.decode()
    assert Client(headers=bearer(secret)).get("/api/executions").status_code == 200
    # Back on the account page it is listed by name and prefix, never in full.
    profile = client.get("/account/").content.decode()
    assert "CI" in profile and token.prefix in profile
    assert secret not in profile


def test_the_page_has_no_inline_script_or_style(client, owner):
    client.force_login(owner)
    page = client.post(URL, {"name": "CI"}).content.decode()
    assert "<script>" not in page and "style=" not in page


def test_a_token_needs_a_name(client, owner):
    client.force_login(owner)
    response = client.post(URL, {"name": "  "}, follow=True)
    assert not ApiToken.objects.exists()
    assert "This field is required." in response.content.decode()


def test_there_is_a_limit_on_live_tokens(client, owner):
    for n in range(MAX_ACTIVE_TOKENS):
        api_token_create(user=owner, name=f"t{n}")
    client.force_login(owner)

    response = client.post(URL, {"name": "one more"}, follow=True)

    assert ApiToken.objects.filter(user=owner).count() == MAX_ACTIVE_TOKENS
    assert "revoke one" in response.content.decode()


def test_it_needs_a_signed_in_user_and_a_post(client, owner):
    assert client.post(URL, {"name": "CI"}).status_code == 302  # to the log-in page
    client.force_login(owner)
    assert client.get(URL).status_code == 405
