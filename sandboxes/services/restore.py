"""Put a past run's files back into its sandbox ("Restore these files" on the run page)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from sandboxes.models import Execution, Sandbox
from sandboxes.services.stored_files import execution_input_files
from sandboxes.services.workspaces import sandbox_entry_set, sandbox_files_save


@transaction.atomic
def sandbox_files_restore(*, execution: Execution) -> Sandbox:
    """Write the files the run ran with over the sandbox's files of the same names and make
    its entry file the entry again; files added since are kept. All or nothing: refused
    (on "execution") within the sandbox's file and storage limits."""
    sandbox = execution.sandbox
    if sandbox is None:
        raise ValidationError({"execution": "This run has no sandbox to restore its files into."})
    if not execution.files_kept:
        raise ValidationError(
            {"execution": "This run was refused before it started, so its files were not kept."}
        )
    files = execution_input_files(execution)
    sandbox_files_save(sandbox=sandbox, files=files, field="execution")
    if execution.snapshot.get("entry") in files:
        sandbox_entry_set(sandbox=sandbox, path=execution.snapshot["entry"])
    return sandbox
