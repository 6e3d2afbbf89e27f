"""The API token admin: operators list and revoke tokens; no secret is ever shown."""

from __future__ import annotations

from django.test import Client

from api.models import ApiToken
from api.services.tokens import api_token_create
from tests.clients import bearer

CHANGELIST = "/admin/api/apitoken/"


def test_staff_see_every_users_tokens_but_no_secret(client, staff_user, owner, other_user):
    issued = api_token_create(user=owner, name="CI")
    api_token_create(user=other_user, name="laptop")
    client.force_login(staff_user)

    page = client.get(CHANGELIST).content.decode()

    assert "CI" in page and "laptop" in page
    assert issued.token.prefix in page
    assert issued.secret not in page
    assert (
        issued.secret not in client.get(f"{CHANGELIST}{issued.token.pk}/change/").content.decode()
    )


def test_staff_revoke_tokens_and_they_stop_working_at_once(client, staff_user, owner):
    issued = api_token_create(user=owner, name="CI")
    program = Client(headers=bearer(issued.secret))
    assert program.get("/api/executions").status_code == 200
    client.force_login(staff_user)

    response = client.post(
        CHANGELIST, {"action": "revoke", "_selected_action": [issued.token.pk]}, follow=True
    )

    assert "1 token(s) revoked" in response.content.decode()
    assert ApiToken.objects.get(pk=issued.token.pk).is_revoked
    assert program.get("/api/executions").status_code == 401


def test_tokens_cannot_be_added_in_the_admin(client, staff_user):
    client.force_login(staff_user)
    assert client.get(f"{CHANGELIST}add/").status_code == 403


def test_users_who_are_not_staff_are_sent_to_log_in(client, owner):
    client.force_login(owner)
    assert client.get(CHANGELIST).status_code == 302
