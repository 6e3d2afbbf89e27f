from __future__ import annotations

import pytest
from django.urls import reverse

from sandboxes.models import Sandbox
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


def url(sandbox) -> str:
    return reverse("sandbox_delete", args=[sandbox.pk])


def test_it_asks_for_confirmation_first_saying_what_goes(signed_in, sandbox):
    ExecutionFactory(sandbox=sandbox)

    page = signed_in.get(url(sandbox)).content.decode()

    assert "Delete “Scratch”?" in page
    assert "1 file," in page
    assert "1 run." in page
    assert Sandbox.objects.filter(pk=sandbox.pk).exists()


def test_confirming_deletes_it_and_returns_to_the_list(signed_in, sandbox):
    response = signed_in.post(url(sandbox))

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert not Sandbox.objects.filter(pk=sandbox.pk).exists()
    assert "Deleted Scratch." in signed_in.get(reverse("home")).content.decode()


def test_another_user_can_neither_see_nor_delete_it(client, other_user, sandbox):
    client.force_login(other_user)

    assert client.get(url(sandbox)).status_code == 404
    assert client.post(url(sandbox)).status_code == 404
    assert Sandbox.objects.filter(pk=sandbox.pk).exists()


def test_it_needs_a_signed_in_user(client, sandbox):
    response = client.post(url(sandbox))

    assert response.status_code == 302
    assert Sandbox.objects.filter(pk=sandbox.pk).exists()
