"""Run again: the same files, entry and runtime as the past run, not the sandbox's now."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quotas.models import Quota
from sandboxes.models import Execution
from sandboxes.services.stored_files import execution_input_files
from sandboxes.services.workspaces import sandbox_file_save
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


def url(execution) -> str:
    return reverse("run_rerun", args=[execution.pk])


def test_it_starts_the_same_code_again_and_opens_the_new_run(signed_in, sandbox):
    past = ExecutionFactory(sandbox=sandbox)
    sandbox_file_save(sandbox=sandbox, path="main.py", content=b"print('changed since')")

    response = signed_in.post(url(past))

    again = Execution.objects.exclude(pk=past.pk).get()
    assert response.status_code == 302
    assert response.url == reverse("run_detail", args=[again.pk])
    assert again.status == "queued"
    assert execution_input_files(again) == execution_input_files(past)
    assert b"changed since" not in execution_input_files(again)["main.py"]


def test_a_refusal_over_quota_opens_the_refused_run_with_the_reason(signed_in, owner, sandbox):
    past = ExecutionFactory(sandbox=sandbox)
    Quota.objects.filter(user=owner).update(runs_used=50)

    response = signed_in.post(url(past), follow=True)

    refused = Execution.objects.exclude(pk=past.pk).get()
    assert refused.status == "rejected"
    assert response.redirect_chain[-1][0] == reverse("run_detail", args=[refused.pk])
    assert "Monthly executions used up: 50 of 50." in response.content.decode()


def test_another_user_cannot_rerun_it(client, other_user, sandbox):
    past = ExecutionFactory(sandbox=sandbox)
    client.force_login(other_user)

    assert client.post(url(past)).status_code == 404
    assert Execution.objects.count() == 1


def test_it_needs_a_signed_in_user(client, sandbox):
    past = ExecutionFactory(sandbox=sandbox)

    assert client.post(url(past)).status_code == 302
    assert Execution.objects.count() == 1
