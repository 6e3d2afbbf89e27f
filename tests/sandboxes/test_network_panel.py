"""The editor's Network panel: choose a policy, with and without HTMX."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(sandbox) -> str:
    return reverse("sandbox_network", args=[sandbox.pk])


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_the_panel_shows_the_policy_and_explains_what_the_tier_does_not_allow(signed_in, sandbox):
    response = signed_in.get(reverse("sandbox_editor", args=[sandbox.pk]), {"panel": "network"})

    text = page(response)
    assert 'id="tab-network"' in text
    assert 'value="none" checked' in text
    assert 'value="internet" disabled' in text
    assert (
        "Your Free tier allows at most an allow-list of domains; this needs the Pro tier."
    ) in text


def test_an_allow_list_is_saved_over_htmx(signed_in, sandbox):
    response = signed_in.post(
        url(sandbox),
        {
            "mode": "allow_list",
            "allow": "API.github.com\n*.pypi.org, files.example.org",
            "deny": "",
        },
        headers=HTMX,
    )

    sandbox.refresh_from_db()
    assert response.status_code == 200
    assert sandbox.network_policy == {
        "mode": "allow_list",
        "allow": ["api.github.com", "*.pypi.org", "files.example.org"],
        "deny": [],
    }
    assert "Saved: the next run uses it." in page(response)
    assert 'value="allow_list" checked' in page(response)


def test_a_bad_domain_is_named_beside_its_field_and_the_typed_text_is_kept(signed_in, sandbox):
    typed = "api.github.com\nnot a domain!"

    response = signed_in.post(
        url(sandbox), {"mode": "allow_list", "allow": typed, "deny": ""}, headers=HTMX
    )

    text = page(response)
    sandbox.refresh_from_db()
    assert "'not' is not a domain name such as api.example.com or *.example.com" in text
    assert f">{typed}</textarea>" in text
    assert 'id="network-allow" name="allow"' in text and 'aria-invalid="true"' in text
    assert sandbox.network_mode == "none"


def test_a_policy_over_the_tier_is_refused_with_what_the_tier_allows(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"mode": "internet", "deny": "x.com"}, headers=HTMX)

    sandbox.refresh_from_db()
    assert (
        "Your Free tier's runs may use at most an allow-list of domains, not the internet."
    ) in page(response)
    assert sandbox.network_mode == "none"


def test_without_javascript_a_saved_policy_goes_back_to_the_panel(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"mode": "allow_list", "allow": "a.example.com"})

    assert response.status_code == 302
    assert response["Location"] == f"{sandbox.get_absolute_url()}?panel=network"
    followed = signed_in.get(response["Location"])
    assert "Network saved: only a.example.com." in page(followed)


def test_without_javascript_a_refused_policy_answers_with_the_page_and_the_typed_text(
    signed_in, sandbox
):
    response = signed_in.post(url(sandbox), {"mode": "allow_list", "allow": "10.0.0.5"})

    text = page(response)
    assert response.status_code == 400
    assert "is an address; list domain names" in text
    assert ">10.0.0.5</textarea>" in text
    assert 'id="panel-network" role="tabpanel" aria-labelledby="tab-network">' in text


def test_another_users_sandbox_is_not_found(client, other_user, sandbox):
    client.force_login(other_user)

    response = client.post(url(sandbox), {"mode": "allow_list", "allow": "a.com"})

    assert response.status_code == 404
    sandbox.refresh_from_db()
    assert sandbox.network_mode == "none"
