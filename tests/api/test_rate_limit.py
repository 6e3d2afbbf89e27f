"""The per-client request rate limit, on top of the quotas."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import Client

from api import ratelimit
from api.ratelimit import rate_limit_hit
from quotas.models import Tier
from tests.clients import bearer, token_for

URL = "/api/executions"


@pytest.fixture
def now(monkeypatch):
    """The limiter's clock, at the start of a window."""
    moment = {"t": 1_800_000_000.0}
    monkeypatch.setattr(ratelimit, "_now", lambda: moment["t"])
    return moment


@pytest.fixture
def limit(owner):
    """The owner's tier allows 3 requests a minute."""
    Tier.objects.filter(quotas__user=owner).update(
        rate_limit_requests=3, rate_limit_window_seconds=60
    )
    return 3


def test_answers_say_how_many_requests_are_left(api, limit, now):
    response = api.get(URL)
    assert response["X-RateLimit-Limit"] == "3"
    assert response["X-RateLimit-Remaining"] == "2"
    assert response["X-RateLimit-Reset"] == "60"


def test_a_client_over_the_limit_gets_a_429_until_the_window_ends(api, limit, now):
    for _ in range(limit):
        assert api.get(URL).status_code == 200

    refused = api.get(URL)

    assert refused.status_code == 429
    assert refused.json()["limit"] == "rate"
    assert refused.json()["resetsAt"]
    assert refused["Retry-After"] == "60"
    assert refused["X-RateLimit-Remaining"] == "0"
    now["t"] += 60
    assert api.get(URL).status_code == 200


def test_a_users_tokens_and_session_share_one_count(api, owner, other_user, limit, now):
    # Otherwise each of a user's 25 tokens (and the session) would multiply the limit.
    for _ in range(limit):
        api.get(URL)
    assert api.get(URL).status_code == 429
    assert Client(headers=bearer(token_for(owner, "second"))).get(URL).status_code == 429
    session = Client()
    session.force_login(owner)
    assert session.get(URL).status_code == 429
    assert Client(headers=bearer(token_for(other_user))).get(URL).status_code == 200


def test_refused_requests_are_refused_before_doing_any_work(api, limit, now):
    for _ in range(limit):
        api.post("/api/sandbox", "{}", content_type="application/json")
    response = api.post("/api/sandbox", "{}", content_type="application/json")
    assert response.status_code == 429  # not the 400 the body deserves


def test_concurrent_requests_never_get_past_the_limit(db, now):
    def hit(_) -> bool:
        return rate_limit_hit("client", limit=25, window_seconds=60).allowed

    with ThreadPoolExecutor(max_workers=16) as pool:
        allowed = list(pool.map(hit, range(200)))

    assert allowed.count(True) == 25
