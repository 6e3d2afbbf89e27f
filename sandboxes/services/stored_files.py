"""Workspace and produced files' rows, with their contents in storage (blobs): written
before the row that points at them, released once the last row pointing at them is gone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction
from django.db.models import Count, QuerySet, Sum

from blobs.services import blob_store, blobs_release_on_commit
from sandboxes.models import ExecutionFile, Sandbox, SandboxFile


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


@transaction.atomic
def execution_files_add(*, execution, files: dict[str, bytes | BinaryIO]) -> list[ExecutionFile]:
    """Keep these files with the run (bytes, or seekable files read in chunks)."""
    return ExecutionFile.objects.bulk_create(
        ExecutionFile(execution=execution, path=path, blob=blob, size=blob.size)
        for path, blob in ((path, blob_store(content)) for path, content in files.items())
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
    files: int = 0
    bytes: int = 0


STORED_MODELS = (SandboxFile, ExecutionFile)


def stored_files_unmoved() -> Moved:
    """Rows whose contents are still in the database (from before storage held them)."""
    files = size = 0
    for model in STORED_MODELS:
        totals = model.objects.filter(blob=None).aggregate(files=Count("pk"), size=Sum("size"))
        files += totals["files"]
        size += totals["size"] or 0
    return Moved(files, size)


def stored_files_move(*, limit: int | None = None, batch: int = 500) -> Moved:
    """Move rows' contents from the database into storage, one row per transaction: an
    interrupted move goes on where it stopped when run again. At most `limit` rows."""
    files = size = 0
    for model in STORED_MODELS:
        while limit is None or files < limit:
            take = batch if limit is None else min(batch, limit - files)
            unmoved = model.objects.filter(blob=None).order_by("pk")
            ids = list(unmoved.values_list("pk", flat=True)[:take])
            if not ids:
                break
            for pk in ids:
                moved = _move_one(model, pk)
                if moved is not None:
                    files += 1
                    size += moved
    return Moved(files, size)


@transaction.atomic
def _move_one(model, pk) -> int | None:
    file = model.objects.select_for_update().filter(pk=pk, blob=None).first()
    if file is None:  # moved (or deleted) meanwhile
        return None
    blob = blob_store(bytes(file.content or b""))
    file.blob, file.content, file.size = blob, None, blob.size
    file.save(update_fields=["blob", "content", "size"])
    return blob.size
