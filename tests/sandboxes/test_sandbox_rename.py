from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def url(sandbox) -> str:
    return reverse("sandbox_rename", args=[sandbox.pk])


def test_the_owner_renames_a_sandbox_and_returns_to_the_list(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"name": "Renamed"})

    sandbox.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert sandbox.name == "Renamed"


def test_over_htmx_the_answer_is_the_sandboxes_row(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"name": "Renamed"}, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert page.lstrip().startswith(f'<tr id="sandbox-{sandbox.pk}"')
    assert "Renamed" in page
    assert response["Vary"] == "HX-Request, Cookie"


def test_an_empty_name_is_refused_with_the_typed_value_kept(signed_in, sandbox):
    long_name = "x" * 101
    response = signed_in.post(url(sandbox), {"name": long_name}, headers={"HX-Request": "true"})

    page = response.content.decode()
    sandbox.refresh_from_db()
    assert sandbox.name == "Scratch"
    assert "Ensure this value has at most 100 characters" in page
    assert f'value="{long_name}"' in page


def test_another_users_sandbox_is_not_found(client, other_user, sandbox):
    client.force_login(other_user)

    response = client.post(url(sandbox), {"name": "Mine now"})

    sandbox.refresh_from_db()
    assert response.status_code == 404
    assert sandbox.name == "Scratch"


def test_it_needs_a_signed_in_user(client, sandbox):
    response = client.post(url(sandbox), {"name": "Renamed"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
