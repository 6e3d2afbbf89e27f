"""Workspace and produced files keep their contents in storage (blobs), not in database
rows: stored once per digest, written before the row, released after the last row."""

from __future__ import annotations

import pytest

from blobs.contents import blob_storage, content_name, content_read, contents_listed
from blobs.models import Blob
from sandboxes.engine import RunResult, Status
from sandboxes.models import Execution, ExecutionFile, SandboxFile
from sandboxes.runs.ending import execution_end
from sandboxes.runs.start import execution_start_for_sandbox
from sandboxes.services.retention import executions_prune
from sandboxes.services.stored_files import execution_input_files
from sandboxes.services.workspaces import (
    sandbox_create,
    sandbox_delete,
    sandbox_file_delete,
    sandbox_file_save,
)
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


def finish(execution, files: dict[str, bytes]):
    result = RunResult(
        status=Status.SUCCEEDED,
        exit_code=0,
        signal=None,
        wall_seconds=0.1,
        cpu_seconds=0.1,
        peak_memory_bytes=1,
        output_truncated=False,
        files=files,
        deleted_files=(),
        runtime_version="3.13",
    )
    return execution_end(execution.pk, status="succeeded", result=result)


def stored() -> set[str]:
    return {digest for digest, _ in contents_listed()}


def test_a_saved_file_is_a_row_without_content_pointing_at_stored_bytes(sandbox):
    file = sandbox_file_save(sandbox=sandbox, path="data.csv", content=b"a,b\n1,2\n")

    row = SandboxFile.objects.filter(pk=file.pk).values("content", "size", "blob_id").get()
    assert row["content"] is None
    assert row["size"] == 8
    assert content_read(row["blob_id"]) == b"a,b\n1,2\n"


def test_identical_files_of_different_sandboxes_are_stored_once(owner, sandbox):
    other = sandbox_create(owner=owner, name="Other", runtime="python")

    sandbox_file_save(sandbox=sandbox, path="x.txt", content=b"same")
    sandbox_file_save(sandbox=other, path="y.txt", content=b"same")

    assert Blob.objects.filter(size=4).count() == 1
    assert len(stored()) == Blob.objects.count()  # the starter main.py is shared too


def test_a_replaced_content_goes_once_no_file_holds_it(sandbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        old = sandbox_file_save(sandbox=sandbox, path="x.txt", content=b"old").blob_id
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_file_save(sandbox=sandbox, path="x.txt", content=b"new")

    assert not Blob.objects.filter(pk=old).exists()
    assert old not in stored()


def test_a_deleted_file_keeps_a_content_another_file_holds(
    sandbox, django_capture_on_commit_callbacks
):
    run = ExecutionFactory(sandbox=sandbox, status="running")
    finish(run, {"out.txt": b"produced"})
    digest = sandbox.files.get(path="out.txt").blob_id
    assert run.files.get(path="out.txt").blob_id == digest  # one blob, two rows

    with django_capture_on_commit_callbacks(execute=True):
        sandbox_file_delete(sandbox=sandbox, path="out.txt")
    assert content_read(digest) == b"produced"  # the run still holds it

    with django_capture_on_commit_callbacks(execute=True):
        executions_prune(executions=type(run).objects.filter(pk=run.pk))
    assert not Blob.objects.filter(pk=digest).exists()
    assert digest not in stored()


def test_a_deleted_sandbox_takes_its_contents_with_it(owner, django_capture_on_commit_callbacks):
    sandbox = sandbox_create(owner=owner, name="Gone", runtime="python")
    sandbox_file_save(sandbox=sandbox, path="only-here.txt", content=b"unique bytes")
    digest = sandbox.files.get(path="only-here.txt").blob_id

    with django_capture_on_commit_callbacks(execute=True):
        sandbox_delete(sandbox=sandbox)

    assert not blob_storage().exists(content_name(digest))


def test_rows_from_before_the_move_still_read_from_the_database(sandbox):
    legacy = SandboxFile.objects.create(sandbox=sandbox, path="old.txt", content=b"row", size=3)
    produced = ExecutionFile.objects.create(
        execution=None or _run(sandbox), path="old.bin", content=b"\0\1", size=2
    )

    assert legacy.read() == b"row"
    assert produced.read() == b"\0\1"


def _run(sandbox):
    return ExecutionFactory(sandbox=sandbox)


def test_a_runs_files_are_kept_in_storage_and_its_snapshot_names_them(sandbox):
    sandbox_file_save(sandbox=sandbox, path="data.csv", content=b"a,b\n")

    run = execution_start_for_sandbox(sandbox=sandbox)

    assert "files" not in run.snapshot
    assert run.snapshot["inputs"] == {
        "data.csv": 4,
        "main.py": sandbox.files.get(path="main.py").size,
    }
    assert {f.path: f.blob_id for f in run.inputs.all()} == {
        f.path: f.blob_id for f in sandbox.files.all()
    }  # the same contents: nothing stored twice
    assert execution_input_files(run)["data.csv"] == b"a,b\n"
    assert run.file_names == ["data.csv", "main.py"]


def test_pruning_a_run_releases_the_files_it_was_given(owner, django_capture_on_commit_callbacks):
    sandbox = sandbox_create(owner=owner, name="Once", runtime="python")
    sandbox_file_save(sandbox=sandbox, path="only.txt", content=b"given once")
    run = execution_start_for_sandbox(sandbox=sandbox)
    digest = run.inputs.get(path="only.txt").blob_id
    Execution.objects.filter(pk=run.pk).update(status="succeeded")
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_delete(sandbox=sandbox)
    assert content_read(digest) == b"given once"  # the run still holds it

    with django_capture_on_commit_callbacks(execute=True):
        executions_prune(executions=Execution.objects.filter(pk=run.pk))

    assert not Blob.objects.filter(pk=digest).exists()
