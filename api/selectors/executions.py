"""Reading a user's executions for the API: pages of runs, a run's output and files."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

from sandboxes.models import Execution, ExecutionFile, OutputChunk

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class ExecutionPage:
    executions: list[Execution]
    next_cursor: str | None  # pass it back as `cursor` for the following (older) page


def execution_page(
    *, user, statuses: Sequence[str] = (), cursor: str | None = None, limit: int = 20
) -> ExecutionPage:
    """The user's runs, newest first, `limit` at a time.

    Keyset pagination: the cursor is the id of the last run of the previous page, so runs
    started meanwhile never shift a page (as an offset would).
    """
    runs = Execution.objects.filter(owner=user).defer("snapshot").order_by("-created_at", "-pk")
    if statuses:
        runs = runs.filter(status__in=statuses)
    if cursor is not None:
        last = _cursor_row(user, cursor)
        if last is None:
            raise ValidationError({"cursor": "Unknown cursor: use the `next` link of a page."})
        runs = runs.filter(
            Q(created_at__lt=last["created_at"])
            | Q(created_at=last["created_at"], pk__lt=last["pk"])
        )
    rows = list(runs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return ExecutionPage(executions=rows, next_cursor=str(rows[-1].pk) if more else None)


def _cursor_row(user, cursor: str) -> dict | None:
    try:
        pk = uuid.UUID(cursor)
    except ValueError:
        return None
    return Execution.objects.filter(owner=user, pk=pk).values("created_at", "pk").first()


def execution_output(*, execution: Execution) -> dict[str, str]:
    """{"stdout": ..., "stderr": ...}: the program's output, in order (the installer's
    lines and the input it was sent are in the run's event stream, not here)."""
    output = {"stdout": [], "stderr": []}
    chunks = OutputChunk.objects.filter(execution=execution, stream__in=output)
    for stream, data in chunks.values_list("stream", "data"):
        output[stream].append(data)
    return {stream: "".join(parts) for stream, parts in output.items()}


def execution_files(*, execution: Execution) -> list[ExecutionFile]:
    """The files the run created or changed (without their content)."""
    return list(execution.files.defer("content"))


def execution_file_get(*, execution: Execution, path: str) -> ExecutionFile | None:
    return execution.files.filter(path=path).first()
