"""Uploads: plain files under their own names, zip archives unpacked (safely: see
test_sandbox_archive_extract.py), errors next to the field."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sandboxes.limits import MAX_FILE_BYTES

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(sandbox) -> str:
    return reverse("file_upload", args=[sandbox.pk])


def zip_of(**files: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name.replace("__", "."), content)
    return buffer.getvalue()


def test_uploaded_files_are_saved_under_their_names(signed_in, sandbox):
    uploads = [SimpleUploadedFile("data.csv", b"a,b\n1,2\n"), SimpleUploadedFile("x.bin", b"\0\1")]

    response = signed_in.post(url(sandbox), {"upload": uploads, "extract": "on"}, headers=HTMX)

    assert sandbox.files.get(path="data.csv").read() == b"a,b\n1,2\n"
    assert sandbox.files.get(path="x.bin").read() == b"\0\1"
    event = json.loads(response["HX-Trigger"])
    assert event == {"files:uploaded": {"paths": ["data.csv", "x.bin"]}}


def test_a_zip_archive_is_unpacked(signed_in, sandbox):
    archive = SimpleUploadedFile("project.zip", zip_of(app__py=b"print(1)", data__txt=b"hi"))

    signed_in.post(url(sandbox), {"upload": archive, "extract": "on"}, headers=HTMX)

    assert set(sandbox.files.values_list("path", flat=True)) == {"main.py", "app.py", "data.txt"}


def test_a_zip_archive_is_kept_whole_when_asked(signed_in, sandbox):
    archive = SimpleUploadedFile("project.zip", zip_of(app__py=b"print(1)"))

    signed_in.post(url(sandbox), {"upload": archive}, headers=HTMX)

    assert set(sandbox.files.values_list("path", flat=True)) == {"main.py", "project.zip"}


def test_a_file_over_the_size_limit_is_refused_next_to_the_field(signed_in, sandbox):
    big = SimpleUploadedFile("big.txt", b"x" * (MAX_FILE_BYTES + 1))

    response = signed_in.post(url(sandbox), {"upload": big}, headers=HTMX)

    assert f"big.txt is {MAX_FILE_BYTES + 1:,} bytes" in response.content.decode()
    assert not sandbox.files.filter(path="big.txt").exists()


def test_an_archive_escaping_the_workspace_is_refused_whole(signed_in, sandbox):
    archive = SimpleUploadedFile("evil.zip", zip_of(ok__py=b"1", **{"../../etc/cron__d": b"x"}))

    response = signed_in.post(url(sandbox), {"upload": archive, "extract": "on"}, headers=HTMX)

    assert "must be relative and must not contain" in response.content.decode()
    assert set(sandbox.files.values_list("path", flat=True)) == {"main.py"}


def test_choosing_nothing_is_explained(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"extract": "on"}, headers=HTMX)

    assert "Choose one or more files to upload." in response.content.decode()


def test_another_users_sandbox_is_not_found(client, other_user, sandbox):
    client.force_login(other_user)

    response = client.post(url(sandbox), {"upload": SimpleUploadedFile("x.txt", b"x")})

    assert response.status_code == 404
    assert not sandbox.files.filter(path="x.txt").exists()


def test_it_needs_a_signed_in_user(client, sandbox):
    response = client.post(url(sandbox), {"upload": SimpleUploadedFile("x.txt", b"x")})

    assert response.status_code == 302
    assert not sandbox.files.filter(path="x.txt").exists()
