from __future__ import annotations

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(sandbox) -> str:
    return reverse("file_create", args=[sandbox.pk])


def test_the_owner_adds_an_empty_file_and_the_editor_is_told_to_open_it(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"path": "lib/utils.py"}, headers=HTMX)

    file = sandbox.files.get(path="lib/utils.py")
    assert file.read() == b""
    assert json.loads(response["HX-Trigger"]) == {
        "files:open": {"path": "lib/utils.py", "language": "python"}
    }
    assert 'data-open-file="lib/utils.py"' in response.content.decode()


def test_an_invalid_name_is_explained_and_the_typed_name_kept(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"path": "/etc/passwd"}, headers=HTMX)

    page = response.content.decode()
    assert "must be relative" in page
    assert 'value="/etc/passwd"' in page
    assert "HX-Trigger" not in response
    assert sandbox.files.count() == 1


def test_an_existing_name_is_not_overwritten(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"path": "main.py"}, headers=HTMX)

    assert "main.py already exists." in response.content.decode()
    assert sandbox.files.get(path="main.py").read().startswith(b"import sys")


def test_without_htmx_it_returns_to_the_editor(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"path": "notes.txt"})

    assert response.status_code == 302
    assert response.url == sandbox.get_absolute_url()
    assert sandbox.files.filter(path="notes.txt").exists()


def test_another_users_sandbox_is_not_found(client, other_user, sandbox):
    client.force_login(other_user)

    assert client.post(url(sandbox), {"path": "x.py"}).status_code == 404
    assert not sandbox.files.filter(path="x.py").exists()


def test_it_needs_a_signed_in_user(client, sandbox):
    assert client.post(url(sandbox), {"path": "x.py"}).status_code == 302
    assert not sandbox.files.filter(path="x.py").exists()


def test_a_new_typescript_file_is_opened_as_typescript(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"path": "app.ts"}, headers={"HX-Request": "true"})

    assert json.loads(response["HX-Trigger"]) == {
        "files:open": {"path": "app.ts", "language": "typescript"}
    }
