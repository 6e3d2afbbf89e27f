"""Many requests reserving at the same moment. Only PostgreSQL runs them truly in parallel
(SQLite serializes writers), so these tests need it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from quotas.exceptions import QuotaExceeded
from quotas.models import Quota, Reservation
from quotas.services import quota_reserve
from tests.factories import TierFactory, UserFactory

THREADS = 20

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL for real concurrent writers: set DATABASE_URL=postgres://...",
    ),
]


def reserve_all_at_once(user, timeout_seconds: int | None = None) -> list[str]:
    """THREADS reservations released together; each returns "ok" or the limit it hit."""
    start = threading.Barrier(THREADS)

    def reserve() -> str:
        try:
            start.wait()
            quota_reserve(user=user, timeout_seconds=timeout_seconds)
            return "ok"
        except QuotaExceeded as refused:
            return refused.limit
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(lambda _: reserve(), range(THREADS)))


def test_concurrent_runs_never_exceed_the_monthly_executions():
    user = UserFactory(tier=TierFactory(monthly_executions=5, max_concurrent_runs=THREADS))

    outcomes = reserve_all_at_once(user)

    assert outcomes.count("ok") == 5
    assert set(outcomes) == {"ok", "monthly_executions"}
    quota = Quota.objects.get(user=user)
    assert (quota.runs_used, quota.runs_active) == (5, 5)
    assert Reservation.objects.filter(quota=quota).count() == 5


def test_concurrent_runs_never_exceed_the_concurrency_limit():
    user = UserFactory(tier=TierFactory(monthly_executions=None, max_concurrent_runs=3))

    outcomes = reserve_all_at_once(user)

    assert outcomes.count("ok") == 3
    assert set(outcomes) == {"ok", "concurrency"}
    assert Quota.objects.get(user=user).runs_active == 3


def test_concurrent_runs_never_reserve_more_compute_than_is_left():
    tier = TierFactory(
        monthly_executions=None,
        compute_seconds=100,
        max_run_seconds=30,
        max_concurrent_runs=THREADS,
    )
    user = UserFactory(tier=tier)

    outcomes = reserve_all_at_once(user)

    reserved = list(
        Reservation.objects.filter(quota__user=user).values_list("seconds_reserved", flat=True)
    )
    assert sorted(reserved) == [10, 30, 30, 30]
    assert outcomes.count("ok") == 4
    assert set(outcomes) == {"ok", "compute_seconds"}
    assert Quota.objects.get(user=user).compute_seconds_reserved == 100
