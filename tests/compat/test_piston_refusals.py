"""Piston API v2's refusals, in Piston's shape ({"message": ...}): bad requests, limits over
the server's or the caller's, unknown runtimes, missing tokens and used-up quotas."""

from __future__ import annotations

import pytest
from django.test import Client

from quotas.models import Quota, Tier
from sandboxes.models import Execution
from tests.clients import post_json

URL = "/piston/api/v2/execute"


def body(**fields) -> dict:
    return {"language": "python", "version": "*", "files": [{"content": "print(1)"}], **fields}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"language": None}, "language is required as a string"),
        ({"version": 3}, "version is required as a string"),
        ({"files": "print(1)"}, "files is required as an array"),
        ({"files": [{"name": "a.py"}]}, "files[0].content is required as a string"),
        ({"files": [{"content": "x", "encoding": "rot13"}]},
         "files[0].encoding must be one of utf8, base64, hex"),
        ({"run_timeout": "3s"}, "If specified, run_timeout must be a number"),
        ({"run_timeout": 10**9}, "run_timeout cannot exceed the configured limit of 30000"),
        ({"run_memory_limit": 10**12},
         "run_memory_limit cannot exceed the configured limit of 536870912"),
        ({"language": "cobol"}, "cobol-* runtime is unknown"),
        ({"version": "2.7"}, "python-2.7 runtime is unknown"),
        ({"args": "a b"}, "args must be an array of strings"),
    ],
)  # fmt: skip
def test_a_bad_request_is_a_400_with_pistons_message(piston, owner, fields, message):
    Tier.objects.filter(quotas__user=owner).update(max_run_seconds=30)

    response = post_json(piston, URL, body(**fields))

    assert response.status_code == 400
    assert response.json() == {"message": message}
    assert not Execution.objects.exists()


def test_unknown_fields_are_ignored_as_piston_does(piston, owner):
    Quota.objects.filter(user=owner).update(runs_used=50)

    response = post_json(piston, URL, body(compile_timeout=10000, favourite_colour="blue"))

    assert response.status_code == 429  # past parsing: refused by the quota, not the body


def test_a_used_up_quota_is_a_429_with_a_message_and_retry_after(piston, owner):
    Quota.objects.filter(user=owner).update(runs_used=50)

    response = post_json(piston, URL, body())

    assert response.status_code == 429
    assert response.json()["message"].startswith("Monthly executions used up")
    assert int(response["Retry-After"]) > 0
    rejected = Execution.objects.get(owner=owner)
    assert (rejected.status, rejected.source) == ("rejected", "piston")


def test_too_many_runs_at_once_is_a_429(piston, owner):
    Quota.objects.filter(user=owner).update(runs_active=owner.quota.tier.max_concurrent_runs)

    response = post_json(piston, URL, body())

    assert response.status_code == 429
    assert response.json()["message"]


def test_a_request_without_a_token_is_a_401(db):
    response = post_json(Client(), URL, body())

    assert response.status_code == 401
    assert "Authorization" in response.json()["message"]


def test_a_bearer_token_works_too(owner, owner_token):
    Quota.objects.filter(user=owner).update(runs_used=50)
    client = Client(headers={"Authorization": f"Bearer {owner_token}"})

    assert post_json(client, URL, body()).status_code == 429


def test_a_wrong_token_is_a_401(db):
    client = Client(headers={"Authorization": "not-a-token"})

    response = post_json(client, URL, body())

    assert response.status_code == 401
    assert response.json()["message"]


def test_runtimes_are_refused_without_a_token(db):
    assert Client().get("/piston/api/v2/runtimes").status_code == 401
