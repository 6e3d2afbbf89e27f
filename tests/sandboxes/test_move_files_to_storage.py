"""`manage.py move_files_to_storage`: rows that held their contents in the database (from
before storage) get them moved into storage, resumably, with a dry run first."""

from __future__ import annotations

import base64

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from blobs.contents import contents_listed
from blobs.models import Blob
from blobs.services import blobs_release
from sandboxes.models import Execution, ExecutionFile, SandboxFile
from sandboxes.services.stored_files import execution_input_files
from tests.factories import ExecutionFactory

BEFORE = [("sandboxes", "0012_sandbox_run_resources")]


@pytest.fixture
def rows_from_before(sandbox):
    """A database as the release before storage left it: contents in the rows, with the
    schema migrated since (the legacy column kept)."""
    run = ExecutionFactory(sandbox=sandbox, snapshot={})
    SandboxFile.objects.filter(sandbox=sandbox).delete()
    blobs_release(Blob.objects.values_list("pk", flat=True))  # the starter's, held by nothing now
    for n in range(5):
        SandboxFile.objects.create(sandbox=sandbox, path=f"f{n}.txt", content=b"x%d" % n, size=2)
    ExecutionFile.objects.create(execution=run, path="f0.txt", content=b"x0", size=2)
    ExecutionFile.objects.create(execution=run, path="image.png", content=b"\x89PNG\0", size=5)
    ExecutionFactory(  # a run that kept the files it was given in its snapshot
        owner=sandbox.owner,
        snapshot={"files": {"main.py": base64.b64encode(b"print(1)").decode()}, "entry": "main.py"},
    )
    return sandbox, run


def contents(model) -> dict[str, bytes]:
    return {file.path: file.read() for file in model.objects.all()}


@pytest.mark.django_db
def test_a_dry_run_counts_and_moves_nothing(rows_from_before, capsys):
    call_command("move_files_to_storage", "--dry-run")

    assert "Would move 7 files (17 bytes) and the files of 1 runs" in capsys.readouterr().out
    assert SandboxFile.objects.filter(blob=None).count() == 5
    assert list(contents_listed()) == []


@pytest.mark.django_db
def test_contents_move_into_storage_and_out_of_the_rows(rows_from_before, capsys):
    sandbox, run = rows_from_before
    before = contents(SandboxFile), contents(ExecutionFile)

    call_command("move_files_to_storage")

    out = capsys.readouterr().out
    assert (
        "Moved 7 files and the files of 1 runs (25 bytes) to storage; 0 files and 0 runs left"
        in out
    )
    assert (contents(SandboxFile), contents(ExecutionFile)) == before
    assert not SandboxFile.objects.filter(content__isnull=False).exists()
    assert not ExecutionFile.objects.filter(content__isnull=False).exists()
    assert Blob.objects.count() == 7  # f0.txt's x0 is stored once for both rows
    legacy = Execution.objects.get(snapshot__entry="main.py")
    assert "files" not in legacy.snapshot and legacy.snapshot["inputs"] == {"main.py": 8}
    assert execution_input_files(legacy) == {"main.py": b"print(1)"}
    assert {d for d, _ in contents_listed()} == set(Blob.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_an_interrupted_move_goes_on_where_it_stopped(rows_from_before, capsys):
    call_command("move_files_to_storage", "--limit", "3")
    assert (
        "Moved 3 files and the files of 0 runs (6 bytes) to storage; 4 files and 1 runs left"
        in (capsys.readouterr().out)
    )

    call_command("move_files_to_storage")
    assert "Moved 4 files and the files of 1 runs (19 bytes) to storage; 0 files and 0 runs" in (
        capsys.readouterr().out
    )

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
