"""Sharing a run: its owner makes or revokes a read-only link; anyone with the link sees
the run's code, output and produced files, without an account, and nothing else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandboxes.models import ExecutionShare, OutputChunk
from sandboxes.services.stored_files import execution_files_add
from sandboxes.services.workspaces import sandbox_file_save
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(sandbox):
    sandbox_file_save(sandbox=sandbox, path="main.py", content=b"print('shared hello')\n")
    execution = ExecutionFactory(sandbox=sandbox)
    OutputChunk.objects.create(
        execution=execution, seq=1, stream="stdout", data="\x1b[32mshared hello\x1b[0m\n"
    )
    return execution


def share_link(signed_in, run) -> str:
    signed_in.post(reverse("run_share", args=[run.pk]))
    return ExecutionShare.objects.get(execution=run).get_absolute_url()


def test_a_visitor_without_an_account_sees_the_code_and_output(signed_in, client, run):
    link = share_link(signed_in, run)
    signed_in.logout()

    response = client.get(link)

    page = response.content.decode()
    assert response.status_code == 200
    assert "print(&#x27;shared hello&#x27;)" in page  # the code
    assert '<span class="out-stdout">shared hello\n</span>' in page  # colours dropped
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_shared_page_reaches_nothing_else(signed_in, client, run, sandbox):
    link = share_link(signed_in, run)
    signed_in.logout()

    page = client.get(link).content.decode()

    assert sandbox.get_absolute_url() not in page
    assert run.get_absolute_url() not in page
    assert sandbox.name not in page
    assert "runner" not in page and "owner" not in page  # nobody's username
    assert client.get(run.get_absolute_url()).status_code == 302  # the run page: sign in


def test_sharing_twice_keeps_one_link_and_the_page_shows_it(signed_in, run):
    first = share_link(signed_in, run)
    second = share_link(signed_in, run)

    assert first == second
    page = signed_in.get(run.get_absolute_url()).content.decode()
    assert first in page
    assert "Stop sharing" in page


def test_a_revoked_link_is_not_found(signed_in, client, run):
    link = share_link(signed_in, run)

    signed_in.post(reverse("run_unshare", args=[run.pk]))

    assert client.get(link).status_code == 404
    assert "Create a share link" in signed_in.get(run.get_absolute_url()).content.decode()


def test_a_made_up_link_is_not_found(client, run):
    assert client.get(reverse("shared_run", args=["not-a-real-token"])).status_code == 404


def test_only_the_owner_can_share_or_revoke(client, other_user, run):
    client.force_login(other_user)

    assert client.post(reverse("run_share", args=[run.pk])).status_code == 404
    assert client.post(reverse("run_unshare", args=[run.pk])).status_code == 404
    assert not ExecutionShare.objects.exists()


def test_a_produced_file_is_reachable_through_the_link_and_only_its_runs(
    signed_in, client, run, sandbox
):
    execution_files_add(execution=run, files={"chart.txt": b"numbers"})
    other = ExecutionFactory(sandbox=sandbox)
    execution_files_add(execution=other, files={"secret.txt": b"secret"})
    link = share_link(signed_in, run)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    signed_in.logout()
    files = reverse("shared_file", args=[token])

    assert b"".join(client.get(files, {"path": "chart.txt"}).streaming_content) == b"numbers"
    assert client.get(files, {"path": "secret.txt"}).status_code == 404
    assert "chart.txt" in client.get(link).content.decode()


def test_a_shared_svg_is_served_as_the_owners_preview_gets_it(signed_in, client, run):
    execution_files_add(execution=run, files={"logo.svg": b"<svg onload='alert(1)'/>"})
    token = share_link(signed_in, run).rstrip("/").rsplit("/", 1)[-1]
    signed_in.logout()

    response = client.get(reverse("shared_file", args=[token]), {"path": "logo.svg", "inline": "1"})

    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == 'attachment; filename="logo.svg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert "script-src" not in policy
