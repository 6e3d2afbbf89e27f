"""POST /api/sandbox when a quota stops the run: 429 with the limit and when it resets."""

from __future__ import annotations

from datetime import datetime

import pytest

from quotas.models import Quota
from sandboxes.models import Execution
from tests.clients import post_json, run_body

URL = "/api/sandbox"


def exhaust(user, **counters) -> None:
    Quota.objects.filter(user=user).update(**counters)


@pytest.mark.parametrize(
    ("counters", "limit"),
    [
        ({"runs_used": 50}, "monthly_executions"),
        ({"compute_seconds_used": 7_200}, "compute_seconds"),
    ],
)
def test_a_used_up_quota_is_a_429_that_says_when_it_resets(api, owner, counters, limit):
    exhaust(owner, **counters)

    response = post_json(api, URL, run_body())

    assert response.status_code == 429
    body = response.json()
    assert body["limit"] == limit
    resets_at = datetime.fromisoformat(body["resetsAt"])
    assert resets_at == owner.quota.period_end()
    assert 29 * 86_400 < int(response["Retry-After"]) <= 30 * 86_400
    rejected = Execution.objects.get(pk=body["executionId"])
    assert rejected.status == "rejected"
    assert rejected.owner == owner


def test_too_many_runs_at_once_is_a_429_for_concurrency(api, owner):
    exhaust(owner, runs_active=owner.quota.tier.max_concurrent_runs)

    response = post_json(api, URL, run_body(streaming=True))

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json()["limit"] == "concurrency"
    assert response.json()["resetsAt"] is None
    assert int(response["Retry-After"]) > 0


def test_a_refused_run_uses_no_quota(api, owner):
    exhaust(owner, runs_used=50)
    post_json(api, URL, run_body())
    quota = Quota.objects.get(user=owner)
    assert (quota.runs_used, quota.runs_active, quota.compute_seconds_reserved) == (50, 0, 0)
