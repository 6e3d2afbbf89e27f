"""The files a run wrote: kept by the rules the sandbox's own files follow."""

from __future__ import annotations

from quotas.selectors import quota_get
from sandboxes.engine import RunResult
from sandboxes.limits import MAX_FILE_BYTES, produced_files_admit
from sandboxes.models import Execution
from sandboxes.services.stored_files import (
    execution_files_add,
    sandbox_file_put,
    stored_files_delete,
)

SKIPPED_LISTED = 20  # the first skipped files named on the run; the rest counted


def produced_files_keep(execution: Execution, result: RunResult) -> None:
    """Keep what the run wrote (a run must not leave its sandbox unable to run again); the
    rest is counted and named on the run."""
    if not result.files and not result.deleted_files:
        return
    sandbox = execution.sandbox
    storage_bytes = quota_get(user=execution.owner_id).limits.storage_bytes
    sizes: dict[str, int] = {}
    room = None
    if sandbox is not None:
        deleted = sandbox.files.filter(path__in=result.deleted_files)
        stored_files_delete(deleted.exclude(path=sandbox.entry_file))
        sizes = dict(sandbox.files.values_list("path", "size"))
        # A run's disk may be larger than what its sandbox may keep.
        room = storage_bytes - sum(sizes.values())
    kept, skipped = produced_files_admit(
        result.files, present=set(sizes), artifact_bytes=storage_bytes, sizes=sizes, room=room
    )
    execution.files_skipped_count = len(skipped)
    execution.files_skipped = [list(item) for item in skipped[:SKIPPED_LISTED]]
    # Contents go to storage (blobs), not the database: a large file the run wrote goes
    # from this process (a worker's) straight there.
    execution_files_add(execution=execution, files=kept)
    if sandbox is None:
        return
    # Persistent state: what the run wrote is there next run, within the tier's storage.
    for path, content in kept.items():
        if len(content) <= MAX_FILE_BYTES:
            sandbox_file_put(sandbox=sandbox, path=path, content=content)
