"""The home page: the signed-in user's sandboxes, and creating one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandboxes.models import Sandbox
from sandboxes.services.workspaces import sandbox_create
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def test_creating_one_needs_a_signed_in_user(client):
    response = client.post(HOME, {"name": "Sneaky", "runtime": "python3.13"})

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"
    assert not Sandbox.objects.exists()


def test_it_lists_only_the_users_own_sandboxes(signed_in, owner, other_user):
    sandbox_create(owner=owner, name="Mine", runtime="python")
    sandbox_create(owner=other_user, name="Theirs", runtime="python")

    page = signed_in.get(HOME).content.decode()

    assert "Mine" in page
    assert "Theirs" not in page


def test_each_sandbox_shows_its_runtime_version_and_last_run(signed_in, sandbox):
    ExecutionFactory(sandbox=sandbox, status="failed")

    page = signed_in.get(HOME).content.decode()

    assert "Python 3.13" in page
    assert "Failed" in page
    assert sandbox.get_absolute_url() in page


def test_the_runtime_choice_offers_the_servers_real_runtimes(signed_in):
    page = signed_in.get(HOME).content.decode()

    assert '<option value="python3.13" selected>Python 3.13</option>' in page
    assert ">Node.js 22</option>" in page


def test_an_empty_list_invites_creating_one(signed_in):
    assert "No sandboxes yet" in signed_in.get(HOME).content.decode()


def test_creating_a_sandbox_opens_it_in_the_editor(signed_in, owner):
    response = signed_in.post(HOME, {"name": "Data cleaning", "runtime": "node22"})

    sandbox = Sandbox.objects.get(owner=owner)
    assert response.status_code == 302
    assert response.url == reverse("sandbox_editor", args=[sandbox.pk])
    assert (sandbox.name, sandbox.runtime, sandbox.entry_file) == (
        "Data cleaning",
        "node22",
        "index.js",
    )


def test_a_missing_name_is_explained_next_to_the_field_and_the_choice_is_kept(signed_in):
    response = signed_in.post(HOME, {"name": "  ", "runtime": "node22"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Give the sandbox a name." in page
    assert '<option value="node22" selected>' in page
    assert not Sandbox.objects.exists()


def test_an_unknown_runtime_is_refused_and_the_name_is_kept(signed_in):
    response = signed_in.post(HOME, {"name": "Ruby fun", "runtime": "ruby3"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "ruby3 is not a runtime of this server" in page
    assert 'value="Ruby fun"' in page
    assert not Sandbox.objects.exists()
