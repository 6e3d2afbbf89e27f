"""`manage.py move_files_to_storage`: rows that held their contents in the database (from
before storage) get them moved into storage, resumably, with a dry run first."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from blobs.contents import contents_listed
from blobs.models import Blob
from blobs.services import blobs_release
from sandboxes.models import Execution, ExecutionFile, SandboxFile

BEFORE = [("sandboxes", "0012_sandbox_run_resources")]


@pytest.fixture
def rows_from_before(sandbox):
    """A database as the release before storage left it: contents in the rows, with the
    schema migrated since (the legacy column kept)."""
    run = Execution.objects.create(
        owner=sandbox.owner, sandbox=sandbox, runtime="python3.13", snapshot={}, timeout_seconds=1
    )
    SandboxFile.objects.filter(sandbox=sandbox).delete()
    blobs_release(Blob.objects.values_list("pk", flat=True))  # the starter's, held by nothing now
    for n in range(5):
        SandboxFile.objects.create(sandbox=sandbox, path=f"f{n}.txt", content=b"x%d" % n, size=2)
    ExecutionFile.objects.create(execution=run, path="f0.txt", content=b"x0", size=2)
    ExecutionFile.objects.create(execution=run, path="image.png", content=b"\x89PNG\0", size=5)
    return sandbox, run


def contents(model) -> dict[str, bytes]:
    return {file.path: file.read() for file in model.objects.all()}


@pytest.mark.django_db
def test_a_dry_run_counts_and_moves_nothing(rows_from_before, capsys):
    call_command("move_files_to_storage", "--dry-run")

    assert "Would move 7 files (17 bytes)" in capsys.readouterr().out
    assert SandboxFile.objects.filter(blob=None).count() == 5
    assert list(contents_listed()) == []


@pytest.mark.django_db
def test_contents_move_into_storage_and_out_of_the_rows(rows_from_before, capsys):
    sandbox, run = rows_from_before
    before = contents(SandboxFile), contents(ExecutionFile)

    call_command("move_files_to_storage")

    assert "Moved 7 files (17 bytes) to storage; 0 left." in capsys.readouterr().out
    assert (contents(SandboxFile), contents(ExecutionFile)) == before
    assert not SandboxFile.objects.filter(content__isnull=False).exists()
    assert not ExecutionFile.objects.filter(content__isnull=False).exists()
    assert Blob.objects.count() == 6  # f0.txt's x0 is stored once for both rows
    assert {d for d, _ in contents_listed()} == set(Blob.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_an_interrupted_move_goes_on_where_it_stopped(rows_from_before, capsys):
    call_command("move_files_to_storage", "--limit", "3")
    assert "Moved 3 files (6 bytes) to storage; 4 left." in capsys.readouterr().out

    call_command("move_files_to_storage")
    assert "Moved 4 files (11 bytes) to storage; 0 left." in capsys.readouterr().out

    call_command("move_files_to_storage")
    assert "Moved 0 files" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_wrong_limit_is_refused():
    with pytest.raises(CommandError, match="--limit must be at least 1"):
        call_command("move_files_to_storage", "--limit", "0")


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_migration_move_after_it(sandbox):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps.get_model("sandboxes", "SandboxFile")
        old.objects.create(sandbox_id=sandbox.pk, path="legacy.py", content=b"print(1)", size=8)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    call_command("move_files_to_storage")

    legacy = SandboxFile.objects.get(path="legacy.py")
    assert legacy.blob_id is not None and legacy.read() == b"print(1)"
