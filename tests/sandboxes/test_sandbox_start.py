"""Templates: a new sandbox from a starter, with its files, entry file, packages and
network set, from the list page's buttons."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quotas.models import NetworkChoice, Quota
from sandboxes.models import Sandbox
from sandboxes.starters import STARTERS

pytestmark = pytest.mark.django_db

HOME = reverse("home")
START = reverse("sandbox_start")


def test_the_empty_state_offers_every_template(signed_in):
    page = signed_in.get(HOME).content.decode()

    assert "No sandboxes yet" in page
    for starter in STARTERS:
        assert f'name="starter" value="{starter.slug}"' in page
    assert f'action="{START}"' in page


def test_the_new_sandbox_card_keeps_offering_them_once_there_are_sandboxes(signed_in, sandbox):
    page = signed_in.get(HOME).content.decode()

    assert "Or start from a template" in page
    assert 'value="iris-classifier"' in page


def test_the_brief_use_cases_and_first_steps_are_all_there():
    titles = {starter.slug: starter for starter in STARTERS}

    assert set(titles) == {
        "sales-chart",
        "iris-classifier",
        "axios-api-call",
        "typescript-zod",
        "hello-world",
        "read-csv",
        "node-http-client",
    }
    assert titles["sales-chart"].packages == ("matplotlib", "pandas")
    assert titles["typescript-zod"].entry == "main.ts"


def test_a_template_creates_a_sandbox_with_its_files_and_packages(signed_in, owner):
    response = signed_in.post(START, {"starter": "sales-chart"})

    sandbox = Sandbox.objects.get(owner=owner)
    assert response.status_code == 302
    assert response.url == reverse("sandbox_editor", args=[sandbox.pk])
    assert sandbox.name == "Sales chart"
    assert sandbox.entry_file == "main.py"
    assert sandbox.packages == ["matplotlib", "pandas"]
    assert sorted(sandbox.files.values_list("path", flat=True)) == ["main.py", "sales.csv"]
    main = sandbox.files.get(path="main.py").read().decode()
    assert "import pandas as pd" in main
    assert sandbox.network_mode == NetworkChoice.NONE  # it needs none


def test_a_node_template_runs_its_typescript_entry_with_zod(signed_in, owner):
    signed_in.post(START, {"starter": "typescript-zod"})

    sandbox = Sandbox.objects.get(owner=owner)
    assert sandbox.language == "node"
    assert sandbox.entry_file == "main.ts"
    assert list(sandbox.files.values_list("path", flat=True)) == ["main.ts"]
    assert sandbox.packages == ["zod@3"]


def test_a_template_calling_an_api_gets_an_allow_list_for_that_host(signed_in, owner):
    signed_in.post(START, {"starter": "axios-api-call"})

    sandbox = Sandbox.objects.get(owner=owner)
    assert sandbox.packages == ["axios"]
    assert sandbox.network_policy == {
        "mode": NetworkChoice.ALLOW_LIST,
        "allow": ["api.github.com"],
        "deny": [],
    }


def test_a_tier_without_network_keeps_its_default_and_still_gets_the_template(signed_in, owner):
    tier = Quota.objects.get(user=owner).tier
    tier.network_max = NetworkChoice.NONE
    tier.network_default = NetworkChoice.NONE
    tier.save()

    response = signed_in.post(START, {"starter": "node-http-client"})

    sandbox = Sandbox.objects.get(owner=owner)
    assert response.status_code == 302
    assert sandbox.network_mode == NetworkChoice.NONE
    assert sandbox.entry_file == "index.js"


def test_an_unknown_template_is_refused_by_name(signed_in):
    response = signed_in.post(START, {"starter": "cobol"}, follow=True)

    assert "There is no template named &#x27;cobol&#x27;." in response.content.decode()
    assert not Sandbox.objects.exists()


def test_it_needs_a_signed_in_user_and_a_post(client, signed_in):
    assert signed_in.get(START).status_code == 405
    client.logout()
    response = client.post(START, {"starter": "hello-world"})
    assert response.status_code == 302
    assert not Sandbox.objects.exists()
