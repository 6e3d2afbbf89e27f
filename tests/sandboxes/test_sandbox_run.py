"""Run: save what the editor sent, then start the entry file (the run itself is the
dispatcher's: these tests only see it recorded and queued)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quotas.models import Quota
from sandboxes.models import Execution
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


def url(sandbox) -> str:
    return reverse("sandbox_run", args=[sandbox.pk])


def code(text: bytes, path: str = "main.py") -> dict:
    return {"path": [path], "content": [SimpleUploadedFile("content", text)]}


def test_the_typed_code_is_saved_and_a_run_of_it_is_queued(signed_in, owner, sandbox):
    response = signed_in.post(url(sandbox), code(b"print('typed')\n"))

    execution = Execution.objects.get(owner=owner)
    assert response.status_code == 201
    answer = response.json()
    assert answer["saved"] == ["main.py"]
    assert answer["execution"]["id"] == str(execution.pk)
    assert answer["execution"]["status"] == "queued"
    assert answer["execution"]["active"] is True
    assert answer["execution"]["interactive"] is True  # no stdin text: the console types it
    assert sandbox.files.get(path="main.py").read() == b"print('typed')\n"
    assert execution.sandbox == sandbox
    assert execution.snapshot["entry"] == "main.py"


def test_it_runs_the_saved_files_when_nothing_was_changed(signed_in, owner, sandbox):
    response = signed_in.post(url(sandbox))

    assert response.status_code == 201
    assert Execution.objects.filter(owner=owner, status="queued").count() == 1


def test_empty_code_is_refused_but_what_was_typed_is_kept(signed_in, owner, sandbox):
    response = signed_in.post(url(sandbox), code(b"   \n"))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "code": ["There is no code to run: the entry file is empty."]
    }
    assert sandbox.files.get(path="main.py").read() == b"   \n"
    assert not Execution.objects.filter(owner=owner).exists()


def test_a_run_over_quota_is_refused_with_the_limit_and_when_it_resets(
    clock, signed_in, owner, sandbox
):
    Quota.objects.filter(user=owner).update(runs_used=50, period_start=clock.now)

    response = signed_in.post(url(sandbox), code(b"print('kept')\n"))

    assert response.status_code == 429
    quota = response.json()["quota"]
    assert quota["limit"] == "monthly_executions"
    assert quota["message"] == (
        "Monthly executions used up: 50 of 50. Resets on 2026-12-29 14:00 UTC."
    )
    assert quota["resets_at"] == "2026-12-29T14:00:00+00:00"
    assert sandbox.files.get(path="main.py").read() == b"print('kept')\n"
    assert Execution.objects.get(owner=owner).status == "rejected"


def test_another_users_sandbox_is_not_found(client, other_user, sandbox):
    client.force_login(other_user)

    response = client.post(url(sandbox))

    assert response.status_code == 404
    assert not Execution.objects.exists()


def test_it_needs_a_signed_in_user(client, sandbox):
    response = client.post(url(sandbox))

    assert response.status_code == 302
    assert not Execution.objects.exists()


def test_a_run_refused_for_concurrency_points_to_the_run_that_is_going(signed_in, owner, sandbox):
    going = ExecutionFactory(sandbox=sandbox, status="running")
    Quota.objects.filter(user=owner).update(runs_active=1)  # the free tier's one slot

    response = signed_in.post(url(sandbox))

    assert response.status_code == 429
    quota = response.json()["quota"]
    assert quota["limit"] == "concurrency"
    assert quota["going"] == going.get_absolute_url()


def test_other_refusals_point_to_no_run(clock, signed_in, owner, sandbox):
    Quota.objects.filter(user=owner).update(runs_used=50, period_start=clock.now)

    assert signed_in.post(url(sandbox)).json()["quota"]["going"] is None
