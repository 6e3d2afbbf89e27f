"""Many POST /api/sandbox at the same moment from one user never run more than the quota
allows. Only PostgreSQL runs the requests' writes truly in parallel (SQLite serialises
writers), so these tests need it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

from quotas.models import Quota
from sandboxes.engine_config import get_engine
from sandboxes.models import Execution
from tests.clients import bearer, post_json, run_body, token_for
from tests.factories import TierFactory, UserFactory
from tests.waiting import wait_for_runs_to_end

REQUESTS = 12

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.sandbox,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL for real concurrent writers: set DATABASE_URL=postgres://...",
    ),
]


def post_all_at_once(user, code: str) -> list[tuple[int, str | None]]:
    """REQUESTS streaming runs released together: (status code, quota limit if refused)."""
    secret = token_for(user)
    start = threading.Barrier(REQUESTS)

    def post() -> tuple[int, str | None]:
        client = Client(headers=bearer(secret))
        try:
            start.wait()
            response = post_json(client, "/api/sandbox", run_body(code, streaming=True))
            limit = response.json()["limit"] if response.status_code == 429 else None
            response.close()
            return response.status_code, limit
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        return list(pool.map(lambda _: post(), range(REQUESTS)))


@pytest.fixture
def wait_for_runs(fresh_dispatcher):
    """Runs go on after their request: let them end before the database is flushed."""
    yield
    wait_for_runs_to_end()
    get_engine().close()


def test_concurrent_requests_never_run_more_than_the_monthly_executions(wait_for_runs):
    user = UserFactory(tier=TierFactory(monthly_executions=4, max_concurrent_runs=REQUESTS))

    outcomes = post_all_at_once(user, "print('hi')")

    assert outcomes.count((200, None)) == 4
    assert set(outcomes) == {(200, None), (429, "monthly_executions")}
    started = Execution.objects.filter(owner=user).exclude(status="rejected")
    assert started.count() == 4
    assert Quota.objects.get(user=user).runs_used == 4


def test_concurrent_requests_never_run_more_at_once_than_the_tier_allows(wait_for_runs):
    user = UserFactory(tier=TierFactory(monthly_executions=None, max_concurrent_runs=3))

    outcomes = post_all_at_once(user, "import time\ntime.sleep(1)")

    assert outcomes.count((200, None)) == 3
    assert set(outcomes) == {(200, None), (429, "concurrency")}
