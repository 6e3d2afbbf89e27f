"""Ctrl/Cmd+S: the editor sends the files it has changed; all are saved, or none."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sandboxes.limits import MAX_FILE_BYTES, MAX_FILES

pytestmark = pytest.mark.django_db


def url(sandbox) -> str:
    return reverse("sandbox_save", args=[sandbox.pk])


def files(**contents: bytes) -> dict:
    """Form data as the page sends it: a path field and a content part per file."""
    paths = [path.replace("__", ".") for path in contents]
    parts = [SimpleUploadedFile("content", data) for data in contents.values()]
    return {"path": paths, "content": parts}


def stored(sandbox) -> dict[str, bytes]:
    return {f.path: f.read() for f in sandbox.files.all()}


def test_the_owners_files_are_saved(signed_in, sandbox):
    response = signed_in.post(url(sandbox), files(main__py=b"print(1)\n", util__py=b"X = 2\n"))

    assert response.status_code == 200
    assert response.json() == {"saved": ["main.py", "util.py"]}
    assert stored(sandbox) == {"main.py": b"print(1)\n", "util.py": b"X = 2\n"}


def test_a_file_over_the_size_limit_is_refused_by_name_and_nothing_is_saved(signed_in, sandbox):
    before = stored(sandbox)

    response = signed_in.post(
        url(sandbox), files(main__py=b"print(2)\n", big__txt=b"x" * (MAX_FILE_BYTES + 1))
    )

    assert response.status_code == 400
    assert response.json()["errors"]["files"] == [
        f"big.txt is {MAX_FILE_BYTES + 1:,} bytes; a file may hold {MAX_FILE_BYTES:,}."
    ]
    assert stored(sandbox) == before


def test_an_invalid_name_is_refused(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"path": ["../escape.py"], "content": [
        SimpleUploadedFile("content", b"x")
    ]})  # fmt: skip

    assert response.status_code == 400
    assert "must not contain '..'" in response.json()["errors"]["files"][0]


def test_too_many_files_are_refused(signed_in, sandbox):
    data = {
        "path": [f"f{i}.txt" for i in range(MAX_FILES)],
        "content": [SimpleUploadedFile("content", b"") for _ in range(MAX_FILES)],
    }

    response = signed_in.post(url(sandbox), data)

    assert response.status_code == 400
    assert response.json()["errors"]["files"] == [
        f"That makes {MAX_FILES + 1} files; a sandbox may hold {MAX_FILES}."
    ]
    assert sandbox.files.count() == 1


def test_another_users_sandbox_is_not_found(client, other_user, sandbox):
    client.force_login(other_user)

    response = client.post(url(sandbox), files(main__py=b"print('mine')"))

    assert response.status_code == 404
    assert b"mine" not in stored(sandbox)["main.py"]


def test_it_needs_a_signed_in_user(client, sandbox):
    response = client.post(url(sandbox), files(main__py=b"print('anon')"))

    assert response.status_code == 302
    assert b"anon" not in stored(sandbox)["main.py"]
