"""The signed-out home page: what the product is, a screenshot, the way in."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def test_a_visitor_is_told_what_the_product_is_with_a_screenshot(client):
    response = client.get(HOME)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Run Python and Node.js code safely" in page
    assert 'src="/static/img/editor.png"' in page
    assert 'alt="The editor after a run' in page


def test_it_leads_to_sign_up_and_sign_in(client):
    page = client.get(HOME).content.decode()

    assert f'href="{reverse("signup")}">Sign up' in page
    assert f'href="{reverse("login")}">Sign in' in page


def test_with_sign_up_closed_it_only_offers_sign_in(client, settings):
    settings.REGISTRATION_OPEN = False

    page = client.get(HOME).content.decode()

    assert "Sign up, it" not in page
    assert "Sign-up is closed on this server" in page
    assert reverse("signup") not in page  # nor in the header


def test_the_header_and_sign_in_page_offer_sign_up_only_while_it_is_open(client, settings):
    login = reverse("login")
    offered = (
        f'href="{reverse("signup")}" class="button">Sign up' in client.get(login).content.decode()
    )
    settings.REGISTRATION_OPEN = False
    closed = reverse("signup") in client.get(login).content.decode()

    assert (offered, closed) == (True, False)


def test_a_signed_in_user_gets_their_sandboxes_instead(signed_in):
    page = signed_in.get(HOME).content.decode()

    assert "Your sandboxes" in page
    assert "Run Python and Node.js code safely" not in page
