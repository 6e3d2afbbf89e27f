"""/metrics: off until a token or allowed addresses are set; then only for them."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-scrape-token"


def scrape(client, **headers):
    return client.get(reverse("metrics"), **headers)


def test_metrics_are_off_when_nothing_is_configured(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "", []

    response = scrape(client)

    assert response.status_code == 404
    assert b"METRICS_TOKEN" in response.content


def test_the_bearer_token_opens_them(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = TOKEN, []

    response = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert b"codesandboxes_runs_paused" in response.content


def test_a_wrong_or_missing_token_is_refused(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = TOKEN, []

    wrong = scrape(client, HTTP_AUTHORIZATION="Bearer guess")
    missing = scrape(client)
    not_bearer = scrape(client, HTTP_AUTHORIZATION=f"Basic {TOKEN}")

    assert [wrong.status_code, missing.status_code, not_bearer.status_code] == [401, 401, 401]
    assert wrong["WWW-Authenticate"].startswith("Bearer")
    assert b"codesandboxes" not in wrong.content


def test_an_allowed_network_needs_no_token(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "", ["10.1.0.0/16", "127.0.0.1"]

    inside = scrape(client, REMOTE_ADDR="10.1.2.3")
    loopback = scrape(client, REMOTE_ADDR="127.0.0.1")
    outside = scrape(client, REMOTE_ADDR="10.2.0.1")

    assert [inside.status_code, loopback.status_code, outside.status_code] == [200, 200, 401]


def test_a_signed_in_staff_member_still_needs_the_token(staff_client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = TOKEN, []

    assert scrape(staff_client).status_code == 401


def behind_the_documented_proxy(client, *, sent_by_client: str | None, peer: str):
    """A scrape through nginx (`$proxy_add_x_forwarded_for` appends the peer's address to
    whatever the client sent) to Daphne with --proxy-headers (which makes the header's
    first address REMOTE_ADDR), as docs/deployment.md set it up before."""
    from daphne.utils import parse_x_forwarded_for

    forwarded = f"{sent_by_client}, {peer}" if sent_by_client else peer
    (address, _port), _scheme = parse_x_forwarded_for(
        {b"x-forwarded-for": [forwarded.encode()]}, original_addr=["127.0.0.1", 0]
    )
    return scrape(client, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=forwarded)


def test_a_forged_x_forwarded_for_does_not_pass_for_an_allowed_address(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "", ["10.0.0.0/8"]

    forged = behind_the_documented_proxy(client, sent_by_client="10.0.0.7", peer="203.0.113.9")
    scraper = behind_the_documented_proxy(client, sent_by_client=None, peer="10.0.0.7")

    assert forged.status_code == 401
    assert scraper.status_code == 200


def test_an_allowed_proxy_address_does_not_let_everyone_behind_it_in(client, settings):
    # Daphne without --proxy-headers: every request comes from the proxy on loopback.
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "", ["127.0.0.1", "10.0.0.0/8"]

    outsider = scrape(client, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    scraper = scrape(client, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.7")

    assert outsider.status_code == 401
    assert scraper.status_code == 200
