"""Run history with its code: labels in the Runs panel, the Runs page (API runs too,
filtered by source), the code a run ran beside the files now, and restoring it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandboxes.models import Execution, OutputChunk
from sandboxes.services.workspaces import sandbox_file_save
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


def printed(execution, *chunks) -> None:
    for seq, (stream, data) in enumerate(chunks, start=1):
        OutputChunk.objects.create(execution=execution, seq=seq, stream=stream, data=data)


def api_execution(sandbox) -> Execution:
    """A run sent through the API (no sandbox), with the sandbox's files."""
    run = ExecutionFactory(sandbox=sandbox, source=Execution.Source.API)
    Execution.objects.filter(pk=run.pk).update(sandbox=None)
    run.refresh_from_db()
    return run


def test_the_runs_panel_labels_each_run_by_entry_file_and_first_line(signed_in, sandbox):
    run = ExecutionFactory(sandbox=sandbox)
    printed(run, ("install", "Installing…\n"), ("stdout", "\x1b[32mTotal: 42\x1b[0m\nmore\n"))
    ExecutionFactory(sandbox=sandbox, status="failed", exit_code=3)

    page = signed_in.get(reverse("sandbox_editor", args=[sandbox.pk])).content.decode()

    assert '<code class="run-entry">main.py</code>' in page
    assert '<span class="run-first-line">Total: 42</span>' in page
    assert '<span class="run-first-line">no output, exit 3</span>' in page


def test_the_runs_page_lists_api_runs_and_filters_by_source(signed_in, owner, sandbox):
    ExecutionFactory(sandbox=sandbox, source=Execution.Source.EDITOR)
    api_run = api_execution(sandbox)
    printed(api_run, ("stdout", "from the API\n"))

    everything = signed_in.get(reverse("run_list")).content.decode()
    api_only = signed_in.get(reverse("run_list") + "?source=api").content.decode()

    assert everything.count('class="run-row"') == 2
    assert api_only.count('class="run-row"') == 1
    assert "from the API" in api_only
    assert 'href="/runs/?source=api" aria-current="page"' in api_only


def test_someone_elses_runs_are_not_listed(client, other_user, sandbox):
    ExecutionFactory(sandbox=sandbox)
    client.force_login(other_user)

    assert 'class="run-row"' not in client.get(reverse("run_list")).content.decode()


def test_an_api_runs_page_leads_back_to_the_api_runs_not_a_deleted_sandbox(signed_in, sandbox):
    run = api_execution(sandbox)

    page = signed_in.get(run.get_absolute_url()).content.decode()

    assert "deleted sandbox" not in page
    assert '<a href="/runs/?source=api">HTTP API</a>' in page
    assert "Restore these files" not in page


def test_the_run_page_shows_the_code_it_ran_and_what_changed_since(signed_in, sandbox):
    sandbox_file_save(sandbox=sandbox, path="main.py", content=b"print('v1')\n")
    sandbox_file_save(sandbox=sandbox, path="notes.txt", content=b"keep\n")
    run = ExecutionFactory(sandbox=sandbox)
    sandbox_file_save(sandbox=sandbox, path="main.py", content=b"print('v2')\n")

    page = signed_in.get(run.get_absolute_url()).content.decode()

    assert "The code it ran" in page
    assert "print(&#x27;v1&#x27;)" in page  # as it ran
    assert '<span class="diff-del">-print(&#x27;v1&#x27;)' in page
    assert '<span class="diff-add">+print(&#x27;v2&#x27;)' in page
    assert "changed since" in page
    assert "unchanged" in page  # notes.txt


def test_restoring_puts_the_runs_files_back_and_keeps_newer_ones(signed_in, sandbox):
    sandbox_file_save(sandbox=sandbox, path="main.py", content=b"print('v1')\n")
    run = ExecutionFactory(sandbox=sandbox)
    sandbox_file_save(sandbox=sandbox, path="main.py", content=b"print('v2')\n")
    sandbox_file_save(sandbox=sandbox, path="extra.py", content=b"x = 1\n")

    response = signed_in.post(reverse("run_restore", args=[run.pk]), follow=True)

    assert response.redirect_chain[-1][0] == sandbox.get_absolute_url()
    assert sandbox.files.get(path="main.py").read() == b"print('v1')\n"
    assert sandbox.files.filter(path="extra.py").exists()
    assert "Restored 1 file from this run." in response.content.decode()


def test_a_refused_run_has_nothing_to_restore(signed_in, sandbox):
    run = ExecutionFactory(
        sandbox=sandbox, status="rejected", snapshot={"entry": "main.py", "sizes": {}}
    )

    response = signed_in.post(reverse("run_restore", args=[run.pk]), follow=True)

    assert "its files were not kept" in response.content.decode()


def test_another_users_run_cannot_be_restored(client, other_user, sandbox):
    run = ExecutionFactory(sandbox=sandbox)
    client.force_login(other_user)

    assert client.post(reverse("run_restore", args=[run.pk])).status_code == 404


def test_a_line_printed_in_pieces_labels_the_run_whole(signed_in, sandbox):
    run = ExecutionFactory(sandbox=sandbox)
    printed(run, ("stdout", "total is"), ("stdout", " "), ("stdout", "2"), ("stdout", "\n"))

    page = signed_in.get(reverse("sandbox_editor", args=[sandbox.pk])).content.decode()

    assert '<span class="run-first-line">total is 2</span>' in page
