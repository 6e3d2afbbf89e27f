"""Environment variables: added or given a new value; the value is never shown back."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(sandbox) -> str:
    return reverse("variable_save", args=[sandbox.pk])


def test_a_variable_is_saved_and_shown_masked(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"name": "API_KEY", "value": "s3cr3t"}, headers=HTMX)

    page = response.content.decode()
    assert sandbox.variables.get(name="API_KEY").value == "s3cr3t"
    assert "API_KEY" in page
    assert "••••••••" in page
    assert "s3cr3t" not in page


def test_saving_an_existing_name_replaces_its_value(signed_in, sandbox):
    signed_in.post(url(sandbox), {"name": "TOKEN", "value": "one"}, headers=HTMX)
    signed_in.post(url(sandbox), {"name": "TOKEN", "value": "two"}, headers=HTMX)

    assert list(sandbox.variables.values_list("name", "value")) == [("TOKEN", "two")]


def test_an_invalid_name_is_explained_keeping_the_name_but_never_echoing_the_value(
    signed_in, sandbox
):
    response = signed_in.post(url(sandbox), {"name": "1BAD", "value": "s3cr3t"}, headers=HTMX)

    page = response.content.decode()
    assert "Names are letters, digits and _" in page
    assert 'value="1BAD"' in page
    assert "s3cr3t" not in page
    assert not sandbox.variables.exists()


def test_another_users_sandbox_is_not_found(client, other_user, sandbox):
    client.force_login(other_user)

    assert client.post(url(sandbox), {"name": "X", "value": "y"}).status_code == 404
    assert not sandbox.variables.exists()


def test_it_needs_a_signed_in_user(client, sandbox):
    assert client.post(url(sandbox), {"name": "X", "value": "y"}).status_code == 302
    assert not sandbox.variables.exists()
