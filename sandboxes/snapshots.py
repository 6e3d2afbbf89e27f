"""The code a past run ran, beside the sandbox's files now: what the run page shows, read
only, with a diff of each file that changed since."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from sandboxes.models import Execution
from sandboxes.services.stored_files import execution_input_files

MAX_SHOWN_BYTES = 200_000  # a bigger file is listed, not shown
MAX_DIFF_LINES = 400


@dataclass
class DiffLine:
    kind: str  # "add" | "del" | "hunk" | "same"
    text: str


@dataclass
class SnapshotFile:
    path: str
    size: int
    text: str | None  # None: binary, or too big to show
    state: str  # "unchanged" | "changed" | "deleted" (from the sandbox since) | "binary"
    diff: list[DiffLine] = field(default_factory=list)
    diff_cut: bool = False


def _text(content: bytes) -> str | None:
    if len(content) > MAX_SHOWN_BYTES:
        return None
    try:
        return content.decode()
    except UnicodeDecodeError:
        return None


def _diff(then: str, now: str) -> tuple[list[DiffLine], bool]:
    lines = []
    unified = difflib.unified_diff(
        then.splitlines(), now.splitlines(), "this run", "now", lineterm="", n=2
    )
    for line in list(unified)[2:]:  # the two file header lines say nothing here
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        lines.append(DiffLine(kind, line))
    return lines[:MAX_DIFF_LINES], len(lines) > MAX_DIFF_LINES


def snapshot_compare(*, execution: Execution, compare: bool = True) -> list[SnapshotFile]:
    """Each file the run ran with, and how the sandbox's file of that name differs now
    (a run without a sandbox, or whose files were not kept, compares with nothing; nor does
    a shared run, `compare=False`, whose visitors see nothing of the sandbox now)."""
    if not execution.files_kept:
        return []
    then = execution_input_files(execution)
    current = {}
    if compare and execution.sandbox_id is not None:
        rows = execution.sandbox.files.filter(path__in=list(then))
        current = {row.path: row.read() for row in rows}
    compared = []
    for path in sorted(then):
        content = then[path]
        text = _text(content)
        entry = SnapshotFile(path=path, size=len(content), text=text, state="unchanged")
        if text is None:
            entry.state = "binary"
        elif not compare or execution.sandbox_id is None:
            entry.state = "as-run"
        elif path not in current:
            entry.state = "deleted"
        elif current[path] != content:
            now = _text(current[path])
            entry.state = "changed"
            if now is not None:
                entry.diff, entry.diff_cut = _diff(text, now)
        compared.append(entry)
    return compared
