"""A run read back as Judge0's submission: its status (Judge0's 14), output and figures."""

from __future__ import annotations

import base64
import shlex
import signal

from compat.judge0.submissions import ENCODED
from compat.models import Judge0Submission
from compat.selectors import RunOutput
from sandboxes.models import Execution
from sandboxes.services.stored_files import execution_input_read

STATUSES = {
    1: "In Queue",
    2: "Processing",
    3: "Accepted",
    4: "Wrong Answer",
    5: "Time Limit Exceeded",
    6: "Compilation Error",
    7: "Runtime Error (SIGSEGV)",
    8: "Runtime Error (SIGXFSZ)",
    9: "Runtime Error (SIGFPE)",
    10: "Runtime Error (SIGABRT)",
    11: "Runtime Error (NZEC)",
    12: "Runtime Error (Other)",
    13: "Internal Error",
    14: "Exec Format Error",
}
SIGNAL_STATUS = {signal.SIGSEGV: 7, signal.SIGXFSZ: 8, signal.SIGFPE: 9, signal.SIGABRT: 10}
# The program's own end that is not an exit: a limit of this service stopped it.
LIMITED = (
    Execution.Status.OOM_KILLED,
    Execution.Status.OUTPUT_LIMITED,
    Execution.Status.NETWORK_LIMITED,
)


def judge0_statuses() -> list[dict]:
    return [{"id": number, "description": text} for number, text in STATUSES.items()]


def _judged(text: str | None) -> str:
    """As Judge0 compares outputs: trailing spaces of each line and trailing lines ignored."""
    return "\n".join(line.rstrip() for line in (text or "").split("\n")).rstrip()


def judge0_status(execution: Execution, judge: Judge0Submission | None, stdout: str) -> int:
    status = execution.status
    if status == Execution.Status.QUEUED:
        return 1
    if status in Execution.ACTIVE:
        return 2
    cpu_limit = judge.cpu_time_limit if judge else None
    over_cpu = cpu_limit is not None and (execution.cpu_ms or 0) > cpu_limit * 1000
    if status == Execution.Status.TIMED_OUT or over_cpu:
        return 5
    if status == Execution.Status.SUCCEEDED:
        expected = judge.expected_output if judge else None
        return 4 if expected is not None and _judged(stdout) != _judged(expected) else 3
    if status == Execution.Status.FAILED:
        return SIGNAL_STATUS.get(execution.signal, 12) if execution.signal else 11
    if status in LIMITED:
        return 12
    return 13  # the service failed to run it (or it was cancelled, lost, refused)


def _message(execution: Execution, status_id: int) -> str | None:
    if execution.error:
        return execution.error
    if status_id == 11:
        return f"Exited with error status {execution.exit_code}"
    return None


def _seconds(milliseconds: int | None) -> str | None:
    return None if milliseconds is None else f"{milliseconds / 1000:.3f}"


def _timestamp(moment) -> str | None:
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def judge0_submission(
    execution: Execution,
    judge: Judge0Submission | None,
    output: RunOutput,
    *,
    fields: tuple[str, ...],
    base64_encoded: bool,
    language_name: str | None = None,
) -> dict:
    """The submission as Judge0 answers it, with `fields` only."""
    status_id = judge0_status(execution, judge, output.stdout)
    snapshot = execution.snapshot
    entry = snapshot.get("entry", "")
    # Read from storage only when asked for (a listing of many submissions rarely is).
    source = execution_input_read(execution, entry) if "source_code" in fields else b""
    source = source.decode(errors="replace")
    ended = not execution.is_active
    language_id = judge.language_id if judge else None
    values = {
        "source_code": source,
        "language_id": language_id,
        "stdin": snapshot.get("stdin", ""),
        "expected_output": judge.expected_output if judge else None,
        "stdout": output.stdout if ended else None,
        "stderr": output.stderr if ended else None,
        "compile_output": None,
        "message": _message(execution, status_id) if ended else None,
        "status_id": status_id,
        "status": {"id": status_id, "description": STATUSES[status_id]},
        "created_at": _timestamp(execution.created_at),
        "finished_at": _timestamp(execution.finished_at),
        "time": _seconds(execution.cpu_ms),
        "wall_time": _seconds(execution.wall_ms),
        "memory": None
        if execution.peak_memory_bytes is None
        else execution.peak_memory_bytes // 1024,
        "token": str(execution.pk),
        "exit_code": execution.exit_code,
        "exit_signal": execution.signal,
        "cpu_time_limit": judge.cpu_time_limit if judge else None,
        "wall_time_limit": judge.wall_time_limit if judge else float(execution.timeout_seconds),
        "memory_limit": judge.memory_limit if judge else None,
        "command_line_arguments": (
            judge.command_line_arguments if judge else shlex.join(snapshot.get("args", []))
        ),
        "language": {"id": language_id, "name": language_name},
    }
    answer = {field: values[field] for field in fields}
    if base64_encoded:
        for field in ENCODED:
            if answer.get(field) is not None:
                answer[field] = base64.b64encode(answer[field].encode()).decode()
    return answer
