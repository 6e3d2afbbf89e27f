"""Files a run wrote: PNG, JPEG and GIF may be shown inline; everything else downloads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandboxes.models import ExecutionFile
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


def url(execution, path: str, inline: bool = True) -> str:
    return f"{reverse('run_file', args=[execution.pk])}?path={path}" + (
        "&inline=1" if inline else ""
    )


@pytest.fixture
def execution(sandbox):
    execution = ExecutionFactory(sandbox=sandbox)
    for path, content in {
        "chart.png": b"\x89PNG\r\n",
        "photo.jpeg": b"\xff\xd8\xff",
        "anim.gif": b"GIF89a",
        "logo.svg": b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        "out.html": b"<script>alert(1)</script>",
    }.items():
        ExecutionFile.objects.create(
            execution=execution, path=path, content=content, size=len(content)
        )
    return execution


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("chart.png", "image/png"), ("photo.jpeg", "image/jpeg"), ("anim.gif", "image/gif")],
)
def test_raster_images_are_served_inline_for_img_tags(signed_in, execution, path, content_type):
    response = signed_in.get(url(execution, path))

    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'inline; filename="{path}"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_svg_is_an_attachment_under_a_csp_that_runs_nothing(signed_in, execution):
    """The preview shows it with <img> from this URL (inline=1): an image runs no script,
    and the file opened on its own downloads, or renders under a policy that runs nothing."""
    response = signed_in.get(url(execution, "logo.svg"))

    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == 'attachment; filename="logo.svg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "sandbox" in policy
    assert "script-src" not in policy


def test_other_files_download_as_bytes(signed_in, execution):
    response = signed_in.get(url(execution, "out.html", inline=False))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="out.html"'
    assert response.getvalue() == b"<script>alert(1)</script>"


def test_a_missing_file_is_not_found(signed_in, execution):
    assert signed_in.get(url(execution, "nope.png")).status_code == 404


def test_another_users_file_is_not_found(client, other_user, execution):
    client.force_login(other_user)

    assert client.get(url(execution, "chart.png")).status_code == 404


def test_it_needs_a_signed_in_user(client, execution):
    assert client.get(url(execution, "chart.png")).status_code == 302
