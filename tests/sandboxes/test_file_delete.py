from __future__ import annotations

import json

import pytest
from django.urls import reverse

from sandboxes.services.workspaces import sandbox_file_save

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(sandbox) -> str:
    return reverse("file_delete", args=[sandbox.pk])


def test_the_owner_deletes_a_file(signed_in, sandbox):
    sandbox_file_save(sandbox=sandbox, path="old.txt", content=b"x")

    response = signed_in.post(url(sandbox), {"path": "old.txt"}, headers=HTMX)

    assert not sandbox.files.filter(path="old.txt").exists()
    assert json.loads(response["HX-Trigger"]) == {"files:deleted": {"path": "old.txt"}}


def test_the_entry_file_cannot_be_deleted(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"path": "main.py"}, headers=HTMX)

    assert "The entry file cannot be deleted" in response.content.decode()
    assert sandbox.files.filter(path="main.py").exists()


def test_another_users_sandbox_is_not_found(client, other_user, sandbox):
    sandbox_file_save(sandbox=sandbox, path="old.txt", content=b"x")
    client.force_login(other_user)

    assert client.post(url(sandbox), {"path": "old.txt"}).status_code == 404
    assert sandbox.files.filter(path="old.txt").exists()


def test_it_needs_a_signed_in_user(client, sandbox):
    sandbox_file_save(sandbox=sandbox, path="old.txt", content=b"x")

    assert client.post(url(sandbox), {"path": "old.txt"}).status_code == 302
    assert sandbox.files.filter(path="old.txt").exists()
