"""A sandbox's file as a download; the editor reads text files through it too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandboxes.services.workspaces import sandbox_file_save

pytestmark = pytest.mark.django_db


def url(sandbox, path: str, **query: str) -> str:
    extra = "".join(f"&{key}={value}" for key, value in query.items())
    return f"{reverse('file_download', args=[sandbox.pk])}?path={path}{extra}"


def test_a_file_is_an_attachment_that_cannot_run_in_our_origin(signed_in, sandbox):
    sandbox_file_save(sandbox=sandbox, path="page.html", content=b"<script>alert(1)</script>")

    response = signed_in.get(url(sandbox, "page.html"))

    assert response.status_code == 200
    assert response.getvalue() == b"<script>alert(1)</script>"
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_a_png_may_be_shown_inline(signed_in, sandbox):
    sandbox_file_save(sandbox=sandbox, path="plot.png", content=b"\x89PNG...")

    response = signed_in.get(url(sandbox, "plot.png", inline="1"))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="plot.png"'


def test_an_svg_is_never_inline(signed_in, sandbox):
    sandbox_file_save(sandbox=sandbox, path="logo.svg", content=b"<svg onload='alert(1)'/>")

    response = signed_in.get(url(sandbox, "logo.svg", inline="1"))

    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_file_in_a_folder_keeps_only_its_name(signed_in, sandbox):
    sandbox_file_save(sandbox=sandbox, path="data/in.csv", content=b"a,b")

    response = signed_in.get(url(sandbox, "data/in.csv"))

    assert response["Content-Disposition"] == 'attachment; filename="in.csv"'


def test_a_missing_file_is_not_found(signed_in, sandbox):
    assert signed_in.get(url(sandbox, "nope.txt")).status_code == 404


def test_another_users_file_is_not_found(client, other_user, sandbox):
    client.force_login(other_user)

    assert client.get(url(sandbox, "main.py")).status_code == 404


def test_it_needs_a_signed_in_user(client, sandbox):
    assert client.get(url(sandbox, "main.py")).status_code == 302
