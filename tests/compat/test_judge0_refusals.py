"""Judge0 CE's refusals, in Judge0's shapes: 422 {field: [message]} for a field at fault,
{"error": ...} otherwise, and 429 when a quota stops the run."""

from __future__ import annotations

import uuid

import pytest

from compat.models import Judge0Submission
from quotas.models import Quota, Tier
from sandboxes.models import Execution
from tests.clients import post_json
from tests.factories import ExecutionFactory

URL = "/judge0/submissions"


def body(**fields) -> dict:
    return {"language_id": 71, "source_code": "print(1)", **fields}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"source_code": ""}, "source_code", "can't be blank"),
        ({"language_id": None}, "language_id", "can't be blank"),
        ({"language_id": 62}, "language_id", "language with id 62 doesn't exist"),
        ({"wall_time_limit": 31}, "wall_time_limit", "must be less than or equal to 30"),
        ({"cpu_time_limit": "1s"}, "cpu_time_limit", "is not a number"),
        ({"memory_limit": 10**9}, "memory_limit", "must be less than or equal to 524288"),
        ({"enable_network": True}, "enable_network", "enabling network is not allowed"),
        ({"number_of_runs": 3}, "number_of_runs", "must be less than or equal to 1"),
        ({"additional_files": "not base64!"}, "additional_files", "is not valid base64"),
    ],
)
def test_a_field_at_fault_is_a_422_naming_it(judge0, owner, fields, field, message):
    Tier.objects.filter(quotas__user=owner).update(max_run_seconds=30)

    response = post_json(judge0, URL, body(**fields))

    assert response.status_code == 422
    assert response.json() == {field: [message]}
    assert not Execution.objects.exists()


def test_base64_mode_refuses_text_that_is_not_base64(judge0):
    response = post_json(judge0, URL + "?base64_encoded=true", body(source_code="print(1)"))

    assert response.status_code == 422
    assert "source_code" in response.json()


def test_unknown_fields_are_ignored_as_judge0_does(judge0, owner):
    Quota.objects.filter(user=owner).update(runs_used=50)

    response = post_json(judge0, URL, body(favourite_colour="blue", stack_limit=64000))

    assert response.status_code == 429  # past parsing: refused by the quota


def test_a_used_up_quota_is_a_429_with_an_error_and_retry_after(judge0, owner):
    Quota.objects.filter(user=owner).update(runs_used=50)

    response = post_json(judge0, URL, body())

    assert response.status_code == 429
    assert response.json()["error"].startswith("Monthly executions used up")
    assert int(response["Retry-After"]) > 0
    rejected = Execution.objects.get(owner=owner)
    assert (rejected.status, rejected.source) == ("rejected", "judge0")


def test_a_batch_keeps_each_refusal_in_its_place(judge0, owner):
    Quota.objects.filter(user=owner).update(runs_used=50)

    response = post_json(judge0, URL + "/batch", {"submissions": [body(), body()]})

    assert response.status_code == 201
    assert [set(item) for item in response.json()] == [{"error"}, {"error"}]


def test_unknown_answer_fields_are_a_400(judge0):
    response = judge0.get(f"{URL}/{uuid.uuid4()}?fields=stdout,colour")

    assert response.status_code == 400
    assert response.json() == {"error": "invalid fields: [colour]"}


def test_another_users_token_is_not_found(judge0, other_user):
    theirs = ExecutionFactory(owner=other_user, source="judge0")
    Judge0Submission.objects.create(execution=theirs, language_id=71)

    response = judge0.get(f"{URL}/{theirs.pk}")

    assert response.status_code == 404
    assert response.json() == {"error": "submission not found"}


def test_an_own_submission_is_found(judge0, owner):
    mine = ExecutionFactory(
        owner=owner, source="judge0", snapshot={"files": {}, "entry": "main.py"}
    )
    Judge0Submission.objects.create(execution=mine, language_id=71, expected_output="2")

    response = judge0.get(f"{URL}/{mine.pk}?fields=status,token")

    assert response.json() == {
        "status": {"id": 4, "description": "Wrong Answer"},
        "token": str(mine.pk),
    }
