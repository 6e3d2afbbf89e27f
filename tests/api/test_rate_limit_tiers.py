"""Each tier has its own request rate limit (admin-editable): eight enterprise clients
calling as fast as the service answers for 30 s are never refused, while the same calls
from a free user are, after the free tier's 120 a minute."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.db import close_old_connections
from django.test import Client

from api import ratelimit
from quotas.models import Tier
from tests.clients import bearer, token_for
from tests.factories import UserFactory

URL = "/api/executions"  # cheap: the flood measures the limit, not the runs
CLIENTS = 8
SECONDS = 30


def flood(secret: str, seconds: float) -> Counter:
    """CLIENTS clients, each calling URL back to back for `seconds`: the answers' statuses."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        api = Client(headers=bearer(secret))
        try:
            while time.monotonic() < deadline:
                status = api.get(URL).status_code
                with lock:
                    statuses[status] += 1
        finally:
            close_old_connections()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(180)
def test_eight_enterprise_clients_flat_out_for_30_s_get_no_429(tier):
    user = UserFactory(username="enterprise-user", tier=tier("enterprise"))

    statuses = flood(token_for(user), SECONDS)

    assert statuses[429] == 0, statuses
    assert set(statuses) == {200}
    # Flat out: far more than one flat limit for every tier (120 a minute) would let by.
    assert statuses[200] > 4 * 120, statuses


@pytest.mark.django_db(transaction=True)
def test_the_same_calls_from_a_free_user_are_refused_past_its_limit(tier, monkeypatch):
    user = UserFactory(username="free-user", tier=tier("free"))
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_000.0)  # all in one window
    api = Client(headers=bearer(token_for(user)))

    statuses = Counter(api.get(URL).status_code for _ in range(130))

    assert statuses == {200: 120, 429: 10}


@pytest.mark.django_db
def test_the_headers_say_the_users_tiers_limit(tier):
    user = UserFactory(username="pro-user", tier=tier("pro"))

    response = Client(headers=bearer(token_for(user))).get(URL)

    assert response["X-RateLimit-Limit"] == "600"
    assert response["X-RateLimit-Remaining"] == "599"


@pytest.mark.django_db
def test_an_operators_change_to_a_tier_holds_from_the_next_request(api, owner):
    assert api.get(URL)["X-RateLimit-Limit"] == "120"
    Tier.objects.filter(name="free").update(rate_limit_requests=2, rate_limit_window_seconds=30)

    assert api.get(URL)["X-RateLimit-Limit"] == "2"
    assert api.get(URL).status_code == 200  # a new window's length: a new count
    refused = api.get(URL)
    assert refused.status_code == 429
    assert refused.json()["error"] == "Too many requests: 2 per 30 s. Slow down."
