from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from sandboxes.services.workspaces import sandbox_file_save

pytestmark = pytest.mark.django_db


def url(sandbox) -> str:
    return reverse("sandbox_download", args=[sandbox.pk])


def test_every_file_comes_in_one_zip_named_after_the_sandbox(signed_in, sandbox):
    sandbox_file_save(sandbox=sandbox, path="data/in.csv", content=b"a,b")

    response = signed_in.get(url(sandbox))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["data/in.csv", "main.py"]
    assert archive.read("data/in.csv") == b"a,b"
    assert response["Content-Disposition"] == 'attachment; filename="Scratch.zip"'


def test_another_users_sandbox_is_not_found(client, other_user, sandbox):
    client.force_login(other_user)

    assert client.get(url(sandbox)).status_code == 404


def test_it_needs_a_signed_in_user(client, sandbox):
    assert client.get(url(sandbox)).status_code == 302


@pytest.mark.parametrize("path", ["../escape.txt", "back\\slash.txt", "/etc/cron.d/x"])
def test_a_stored_name_no_workspace_may_hold_is_left_out_of_the_zip(signed_in, sandbox, path):
    sandbox.files.create(path=path, content=b"x", size=1)  # written before the rules

    response = signed_in.get(url(sandbox))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["main.py"]
