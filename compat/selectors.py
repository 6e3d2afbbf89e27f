"""Reading a run's output as the compatible APIs report it."""

from __future__ import annotations

from dataclasses import dataclass

from sandboxes.models import OutputChunk


@dataclass(frozen=True)
class RunOutput:
    stdout: str
    stderr: str
    combined: str  # both, in the order the program wrote them


def run_output(*, execution_id) -> RunOutput:
    stdout, stderr, combined = [], [], []
    chunks = OutputChunk.objects.filter(
        execution_id=execution_id, stream__in=("stdout", "stderr")
    ).order_by("seq")
    for stream, data in chunks.values_list("stream", "data"):
        (stdout if stream == "stdout" else stderr).append(data)
        combined.append(data)
    return RunOutput("".join(stdout), "".join(stderr), "".join(combined))
