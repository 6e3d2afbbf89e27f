"""Starting a Judge0 submission: an ordinary run, and how to judge it."""

from __future__ import annotations

from compat.judge0.submissions import Judge0Request
from compat.models import Judge0Submission
from sandboxes.models import Execution
from sandboxes.resources import memory_mb_asked
from sandboxes.runs.start import execution_start


def judge0_submission_start(*, user, request: Judge0Request) -> Execution:
    """Start the run, then record how to judge it. Not one transaction on purpose: a run
    the quota refuses stays recorded (execution_start commits it before raising
    QuotaExceeded), and a refused run has nothing to judge."""
    execution = execution_start(
        user=user,
        runtime=request.language.runtime.id,
        files=request.files,
        entry=request.entry,
        args=request.args,
        stdin=request.stdin,
        timeout_seconds=request.timeout_seconds,
        memory_mb=None
        if request.memory_limit is None
        else memory_mb_asked(request.memory_limit * 1024),
        source=Execution.Source.JUDGE0,
    )
    Judge0Submission.objects.create(
        execution=execution,
        language_id=request.language_id,
        expected_output=request.expected_output,
        cpu_time_limit=request.cpu_time_limit,
        wall_time_limit=request.wall_time_limit,
        memory_limit=request.memory_limit,
        command_line_arguments=request.command_line_arguments,
    )
    return execution
