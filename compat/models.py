from __future__ import annotations

from django.db import models

from sandboxes.models import Execution


class Judge0Submission(models.Model):
    """What a Judge0 submission asked for beyond its run: how to judge it. Its token is
    its execution's id."""

    execution = models.OneToOneField(
        Execution, on_delete=models.CASCADE, primary_key=True, related_name="judge0"
    )
    language_id = models.PositiveIntegerField()
    # None: no expected output, so a run that exits 0 is Accepted.
    expected_output = models.TextField(null=True, blank=True)  # noqa: DJ001 ("" expects no output)
    # Seconds; a run over it is Time Limit Exceeded (the engine's own limit is wall time).
    cpu_time_limit = models.FloatField(null=True, blank=True)
    wall_time_limit = models.FloatField(null=True, blank=True)
    memory_limit = models.PositiveIntegerField(null=True, blank=True)  # KB
    command_line_arguments = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Judge0 submission {self.execution_id}"
