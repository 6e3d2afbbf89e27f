"""Workspace and produced files' rows, with their contents in storage (blobs): written
before the row that points at them, released once the last row pointing at them is gone."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO

from django.db import transaction
from django.db.models import Count, QuerySet, Sum

from blobs.services import blob_store, blobs_release_on_commit, blobs_store
from sandboxes.models import Execution, ExecutionFile, ExecutionInput, Sandbox, SandboxFile


@transaction.atomic
def sandbox_file_put(*, sandbox: Sandbox, path: str, content: bytes) -> SandboxFile:
    """Create or replace one of the sandbox's files (the callers check the limits)."""
    blob = blob_store(content)
    replaced = sandbox.files.filter(path=path).values_list("blob_id", flat=True).first()
    file, _ = SandboxFile.objects.update_or_create(
        sandbox=sandbox, path=path, defaults={"blob": blob, "content": None, "size": blob.size}
    )
    if replaced != blob.pk:
        blobs_release_on_commit([replaced])
    return file


@transaction.atomic(savepoint=False)
def execution_inputs_add(*, execution, files: dict[str, bytes]) -> list[ExecutionInput]:
    """Keep the files a run is given (its snapshot names them: {"inputs": {path: size}})."""
    blobs = blobs_store(files)
    return ExecutionInput.objects.bulk_create(
        ExecutionInput(execution=execution, path=path, blob=blob, size=blob.size)
        for path, blob in blobs.items()
    )


def execution_input_files(execution) -> dict[str, bytes]:
    """The files the run was given, read from storage (a run recorded before they were
    kept there has them in its snapshot, base64-encoded)."""
    if "inputs" not in execution.snapshot:
        legacy = execution.snapshot.get("files", {})
        return {path: base64.b64decode(data) for path, data in legacy.items()}
    return {file.path: file.read() for file in execution.inputs.all()}


def execution_input_read(execution, path: str) -> bytes:
    """One of the files the run was given (b"" when it had none of that name)."""
    if "inputs" not in execution.snapshot:
        return base64.b64decode(execution.snapshot.get("files", {}).get(path, ""))
    file = execution.inputs.filter(path=path).first()
    return file.read() if file is not None else b""


@transaction.atomic(savepoint=False)
def execution_files_add(*, execution, files: dict[str, bytes | BinaryIO]) -> list[ExecutionFile]:
    """Keep these files with the run (bytes, or seekable files read in chunks)."""
    blobs = blobs_store(files)
    return ExecutionFile.objects.bulk_create(
        ExecutionFile(execution=execution, path=path, blob=blob, size=blob.size)
        for path, blob in blobs.items()
    )


@transaction.atomic
def stored_files_delete(files: QuerySet) -> int:
    """Delete these SandboxFile or ExecutionFile rows; their contents go once no other row
    holds them (after the commit)."""
    digests = list(files.exclude(blob=None).values_list("blob_id", flat=True).distinct())
    deleted, _ = files.delete()
    blobs_release_on_commit(digests)
    return deleted


@dataclass(frozen=True)
class Moved:
    files: int = 0  # SandboxFile and ExecutionFile rows
    bytes: int = 0
    runs: int = 0  # runs whose snapshot held their files, base64-encoded


STORED_MODELS = (SandboxFile, ExecutionFile)


def _legacy_runs() -> QuerySet[Execution]:
    """Runs recorded before their files were kept in storage (refused runs kept none)."""
    return (
        Execution.objects.filter(snapshot__has_key="files")
        .exclude(snapshot__has_key="inputs")
        .exclude(snapshot__has_key="sizes")
    )


def stored_files_unmoved() -> Moved:
    """Contents still in the database (from before storage held them); a run's snapshot's
    bytes are not counted."""
    files = size = 0
    for model in STORED_MODELS:
        totals = model.objects.filter(blob=None).aggregate(files=Count("pk"), size=Sum("size"))
        files += totals["files"]
        size += totals["size"] or 0
    return Moved(files, size, _legacy_runs().count())


def stored_files_move(*, limit: int | None = None, batch: int = 500) -> Moved:
    """Move contents from the database into storage, one row (or run) per transaction: an
    interrupted move goes on where it stopped when run again. At most `limit` of them."""
    moved = Moved()
    movers = [(_unmoved(model), partial(_move_file, model)) for model in STORED_MODELS]
    movers.append((_legacy_runs, _move_run))
    for unmoved, move in movers:
        while limit is None or moved.files + moved.runs < limit:
            done = moved.files + moved.runs
            take = batch if limit is None else min(batch, limit - done)
            ids = list(unmoved().order_by("pk").values_list("pk", flat=True)[:take])
            if not ids:
                break
            for pk in ids:
                moved = _plus(moved, move(pk))
    return moved


def _unmoved(model):
    return lambda: model.objects.filter(blob=None)


def _plus(total: Moved, one: Moved | None) -> Moved:
    if one is None:
        return total
    return Moved(total.files + one.files, total.bytes + one.bytes, total.runs + one.runs)


@transaction.atomic
def _move_file(model, pk) -> Moved | None:
    file = model.objects.select_for_update().filter(pk=pk, blob=None).first()
    if file is None:  # moved (or deleted) meanwhile
        return None
    blob = blob_store(bytes(file.content or b""))
    file.blob, file.content, file.size = blob, None, blob.size
    file.save(update_fields=["blob", "content", "size"])
    return Moved(files=1, bytes=blob.size)


@transaction.atomic
def _move_run(pk) -> Moved | None:
    execution = _legacy_runs().select_for_update().filter(pk=pk).first()
    if execution is None:
        return None
    files = execution_input_files(execution)
    execution_inputs_add(execution=execution, files=files)
    snapshot = {key: value for key, value in execution.snapshot.items() if key != "files"}
    execution.snapshot = {**snapshot, "inputs": {path: len(data) for path, data in files.items()}}
    execution.save(update_fields=["snapshot"])
    return Moved(runs=1, bytes=sum(map(len, files.values())))
