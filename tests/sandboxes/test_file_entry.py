from __future__ import annotations

import json

import pytest
from django.urls import reverse

from sandboxes.services.workspaces import sandbox_file_save

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(sandbox) -> str:
    return reverse("file_entry", args=[sandbox.pk])


def test_the_owner_chooses_another_entry_file(signed_in, sandbox):
    sandbox_file_save(sandbox=sandbox, path="other.py", content=b"print(2)")

    response = signed_in.post(url(sandbox), {"path": "other.py"}, headers=HTMX)

    sandbox.refresh_from_db()
    assert sandbox.entry_file == "other.py"
    assert json.loads(response["HX-Trigger"]) == {"files:entry": {"path": "other.py"}}


def test_a_file_that_does_not_exist_cannot_be_the_entry(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"path": "nope.py"}, headers=HTMX)

    sandbox.refresh_from_db()
    assert "nope.py is not a file of this sandbox." in response.content.decode()
    assert sandbox.entry_file == "main.py"


def test_another_users_sandbox_is_not_found(client, other_user, sandbox):
    client.force_login(other_user)

    assert client.post(url(sandbox), {"path": "main.py"}).status_code == 404


def test_it_needs_a_signed_in_user(client, sandbox):
    assert client.post(url(sandbox), {"path": "main.py"}).status_code == 302
