from __future__ import annotations

import pytest
from django.urls import reverse

from sandboxes.services.workspaces import sandbox_variable_set

pytestmark = pytest.mark.django_db


def url(sandbox) -> str:
    return reverse("variable_delete", args=[sandbox.pk])


def test_the_owner_removes_a_variable(signed_in, sandbox):
    sandbox_variable_set(sandbox=sandbox, name="TOKEN", value="x")

    response = signed_in.post(url(sandbox), {"name": "TOKEN"}, headers={"HX-Request": "true"})

    assert not sandbox.variables.exists()
    assert "No variables yet." in response.content.decode()


def test_another_users_sandbox_is_not_found(client, other_user, sandbox):
    sandbox_variable_set(sandbox=sandbox, name="TOKEN", value="x")
    client.force_login(other_user)

    assert client.post(url(sandbox), {"name": "TOKEN"}).status_code == 404
    assert sandbox.variables.exists()


def test_it_needs_a_signed_in_user(client, sandbox):
    sandbox_variable_set(sandbox=sandbox, name="TOKEN", value="x")

    assert client.post(url(sandbox), {"name": "TOKEN"}).status_code == 302
    assert sandbox.variables.exists()
