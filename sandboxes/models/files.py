"""Files whose bytes live in storage (blobs): a sandbox's, and a run's inputs and outputs."""

from __future__ import annotations

import io

from django.core.files import File
from django.db import models

from blobs.contents import content_open
from blobs.models import Blob
from sandboxes import filetypes
from sandboxes.models.execution import Execution
from sandboxes.models.sandbox import Sandbox


class StoredFile(models.Model):
    """A file's path and size; its bytes live in storage (blobs), named by their digest and
    shared by every file holding the same bytes."""

    path = models.CharField(max_length=255)
    blob = models.ForeignKey(
        Blob, on_delete=models.PROTECT, null=True, related_name="%(app_label)s_%(class)s"
    )
    # Rows from before contents moved to storage hold them here until
    # `manage.py move_files_to_storage` moves them (then it is NULL).
    content = models.BinaryField(null=True, editable=False)
    size = models.PositiveBigIntegerField()

    class Meta:
        abstract = True

    @property
    def digest(self) -> str | None:
        return self.blob_id

    def open(self) -> File:
        """The content, to read in chunks (close it, or use `with`)."""
        if self.blob_id is not None:
            return content_open(self.blob_id)
        return File(io.BytesIO(bytes(self.content or b"")), name=self.path)

    def read(self) -> bytes:
        with self.open() as file:
            return file.read()


class SandboxFile(StoredFile):
    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="files")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["sandbox", "path"], name="sandbox_file_path_unique")
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def image_type(self) -> str | None:
        return filetypes.image_type(self.path)

    def text(self) -> str | None:
        """The content as text, or None for a binary file."""
        try:
            return self.read().decode()
        except UnicodeDecodeError:
            return None

    @property
    def editor_language(self) -> str | None:
        return filetypes.editor_language(self.path)


class ExecutionFile(StoredFile):
    """A file the run created or changed, kept with the run (the sandbox keeps its own copy
    of those a workspace may hold: the same blob)."""

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="files")

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["execution", "path"], name="execution_file_unique")
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def image_type(self) -> str | None:
        return filetypes.image_type(self.path)


class ExecutionInput(StoredFile):
    """A workspace file as the run was given it: what the engine writes into its sandbox,
    and what a re-run runs again. (Runs recorded before these existed keep their files in
    their snapshot, base64-encoded.)"""

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="inputs")

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["execution", "path"], name="execution_input_unique")
        ]

    def __str__(self) -> str:
        return self.path
