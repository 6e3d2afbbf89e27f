"""The sandbox admin: every sandbox with its owner, size and last run; values of
environment variables stay hidden from operators too."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from sandboxes.models import EnvironmentVariable, SandboxFile
from tests.factories import ExecutionFactory, SandboxFactory, UserFactory

pytestmark = pytest.mark.django_db

NOV_20 = datetime(2026, 11, 20, tzinfo=UTC)


def test_the_list_shows_owner_size_runs_and_last_run(staff_client):
    ada = UserFactory(username="ada")
    sandbox = SandboxFactory(owner=ada, name="Scraper")
    SandboxFile.objects.create(sandbox=sandbox, path="main.py", content=b"x" * 1000, size=1000)
    SandboxFile.objects.create(sandbox=sandbox, path="data.csv", content=b"y" * 2048, size=2048)
    ExecutionFactory(owner=ada, sandbox=sandbox, created_at=datetime(2026, 11, 1, tzinfo=UTC))
    last = ExecutionFactory(owner=ada, sandbox=sandbox, created_at=NOV_20)
    SandboxFactory(owner=ada, name="Empty")

    response = staff_client.get(reverse("admin:sandboxes_sandbox_changelist"))

    rows = {row.name: row for row in response.context["cl"].result_list}
    assert (rows["Scraper"].file_count, rows["Scraper"].total_size) == (2, 3048)
    assert (rows["Scraper"].run_count, rows["Scraper"].last_run_at) == (2, last.created_at)
    assert (rows["Empty"].total_size, rows["Empty"].run_count) == (0, None)
    html = response.content.decode()
    assert "3.0 KiB" in html and "ada" in html


def test_a_sandbox_page_shows_variable_names_never_values(staff_client):
    sandbox = SandboxFactory()
    EnvironmentVariable.objects.create(sandbox=sandbox, name="API_KEY", value="sk-very-secret")

    response = staff_client.get(reverse("admin:sandboxes_sandbox_change", args=[sandbox.pk]))

    html = response.content.decode()
    assert "API_KEY" in html
    assert "sk-very-secret" not in html
