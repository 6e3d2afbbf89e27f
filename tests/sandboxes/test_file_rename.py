from __future__ import annotations

import json

import pytest
from django.urls import reverse

from sandboxes.services.workspaces import sandbox_file_save

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(sandbox) -> str:
    return reverse("file_rename", args=[sandbox.pk])


def test_renaming_the_entry_file_keeps_it_the_entry(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"path": "main.py", "new_path": "app.py"}, headers=HTMX)

    sandbox.refresh_from_db()
    assert sandbox.entry_file == "app.py"
    assert list(sandbox.files.values_list("path", flat=True)) == ["app.py"]
    assert json.loads(response["HX-Trigger"]) == {
        "files:renamed": {"from": "main.py", "to": "app.py", "language": "python"}
    }


def test_a_taken_name_is_refused_next_to_the_field_with_the_typed_name_kept(signed_in, sandbox):
    sandbox_file_save(sandbox=sandbox, path="util.py", content=b"")

    response = signed_in.post(
        url(sandbox), {"path": "util.py", "new_path": "main.py"}, headers=HTMX
    )

    page = response.content.decode()
    assert "main.py already exists." in page
    assert '<details class="file-menu" open>' in page
    assert sandbox.files.filter(path="util.py").exists()


def test_an_invalid_name_is_refused(signed_in, sandbox):
    response = signed_in.post(
        url(sandbox), {"path": "main.py", "new_path": "a\\b.py"}, headers=HTMX
    )

    assert "is not a valid path" in response.content.decode()
    assert sandbox.files.filter(path="main.py").exists()


def test_a_missing_file_is_reported(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"path": "gone.py", "new_path": "x.py"}, headers=HTMX)

    assert response.status_code == 200
    assert not sandbox.files.filter(path="x.py").exists()


def test_another_users_sandbox_is_not_found(client, other_user, sandbox):
    client.force_login(other_user)

    response = client.post(url(sandbox), {"path": "main.py", "new_path": "x.py"})

    assert response.status_code == 404
    assert sandbox.files.filter(path="main.py").exists()


def test_it_needs_a_signed_in_user(client, sandbox):
    assert client.post(url(sandbox), {"path": "main.py", "new_path": "x.py"}).status_code == 302
