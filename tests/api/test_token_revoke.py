"""Revoking an API token on the account page: it stops working at once."""

from __future__ import annotations

from django.test import Client

from api.models import ApiToken
from api.services.tokens import api_token_create
from tests.clients import bearer


def revoke_url(token) -> str:
    return f"/account/api-tokens/{token.pk}/revoke/"


def test_the_owner_revokes_a_token_and_it_is_refused_from_then_on(client, owner):
    issued = api_token_create(user=owner, name="CI")
    program = Client(headers=bearer(issued.secret))
    client.force_login(owner)

    response = client.post(revoke_url(issued.token), follow=True)

    assert "revoked" in response.content.decode()
    assert ApiToken.objects.get(pk=issued.token.pk).is_revoked
    assert program.get("/api/executions").status_code == 401
    assert "revoked" in client.get("/account/").content.decode()


def test_another_users_token_is_a_404_and_keeps_working(client, owner, other_user):
    issued = api_token_create(user=other_user, name="theirs")
    client.force_login(owner)

    assert client.post(revoke_url(issued.token)).status_code == 404

    assert Client(headers=bearer(issued.secret)).get("/api/executions").status_code == 200


def test_revoking_needs_a_post(client, owner):
    issued = api_token_create(user=owner, name="CI")
    client.force_login(owner)
    assert client.get(revoke_url(issued.token)).status_code == 405
    assert not ApiToken.objects.get(pk=issued.token.pk).is_revoked
