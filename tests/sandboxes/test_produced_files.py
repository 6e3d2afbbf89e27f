"""Files a run wrote are kept by the rules the sandbox's own files follow: names, sizes and
the count a sandbox may hold. What fits is kept; the rest is named on the run."""

from __future__ import annotations

import pytest

from sandboxes.engine import RunResult, Status
from sandboxes.limits import MAX_FILE_BYTES, MAX_FILES
from sandboxes.models import Execution, ExecutionFile
from sandboxes.runs.ending import execution_end
from sandboxes.runs.events import end_event
from sandboxes.runs.start import execution_start_for_sandbox
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


def finish(execution, files: dict[str, bytes], deleted: tuple[str, ...] = ()) -> Execution:
    result = RunResult(
        status=Status.SUCCEEDED,
        exit_code=0,
        signal=None,
        wall_seconds=0.1,
        cpu_seconds=0.1,
        peak_memory_bytes=1,
        output_truncated=False,
        files=files,
        deleted_files=deleted,
        runtime_version="3.13",
    )
    return execution_end(execution.pk, status="succeeded", result=result)


@pytest.fixture
def started(monkeypatch, fresh_dispatcher) -> list:
    """Runs these tests start are handed over, not run (the tests are about files, and the
    sandbox's user makes them transactional: a start would be dispatched for real)."""
    handed = []
    monkeypatch.setattr(fresh_dispatcher, "submit", lambda queued, *, env: handed.append(1))
    return handed


@pytest.fixture
def running(sandbox):
    return ExecutionFactory(sandbox=sandbox, status="running")


def test_a_run_writing_more_files_than_a_sandbox_holds_keeps_what_fits(sandbox, running, started):
    written = {f"out/{n:03}.txt": b"x" for n in range(150)}

    execution = finish(running, written)

    assert sandbox.files.count() == MAX_FILES  # main.py and the first 99
    assert execution.files.count() == MAX_FILES - 1
    assert execution.files_skipped_count == 51
    assert execution.files_skipped[0] == ["out/099.txt", "A sandbox may hold 100 files."]
    execution_start_for_sandbox(sandbox=sandbox)
    assert started == [1]  # it can still run


def test_a_file_over_the_tiers_storage_is_skipped_and_the_others_kept(sandbox, running):
    limit = sandbox.owner.quota.tier.storage_bytes
    execution = finish(running, {"huge.bin": b"x" * (limit + 1), "small.txt": b"ok"})

    assert sorted(sandbox.files.values_list("path", flat=True)) == ["main.py", "small.txt"]
    assert list(execution.files.values_list("path", flat=True)) == ["small.txt"]
    assert execution.files_skipped == [
        [
            "huge.bin",
            f"{limit + 1:,} bytes; a file a run writes may hold {limit:,} (the tier's storage).",
        ]
    ]


def test_a_file_too_large_for_a_workspace_is_kept_with_the_run_only(sandbox, running, started):
    big = b"x" * (3 * 1024 * 1024)
    execution = finish(running, {"big.bin": big, "small.txt": b"ok"})

    assert sorted(sandbox.files.values_list("path", flat=True)) == ["main.py", "small.txt"]
    assert execution.files.get(path="big.bin").read() == big
    assert execution.files_skipped == [
        ["big.bin", f"3,145,728 bytes; a workspace file may hold {MAX_FILE_BYTES:,}, "
         "so it is kept with this run only."]
    ]  # fmt: skip
    execution_start_for_sandbox(sandbox=sandbox)
    assert started == [1]  # it can still run


@pytest.mark.parametrize(
    "path",
    [
        "back\\slash.txt",
        ("d" * 100 + "/") * 3 + "long.txt",  # over 255: a DataError on PostgreSQL before
        "\udcff\udcfe.txt",  # bytes that are not UTF-8, as os.fwalk returns them
        " spaced.txt",
    ],
)
def test_a_file_whose_name_a_sandbox_may_not_hold_is_skipped(sandbox, running, path):
    execution = finish(running, {path: b"x", "ok.txt": b"y"})

    assert execution.status == "succeeded"
    assert list(ExecutionFile.objects.values_list("path", flat=True)) == ["ok.txt"]
    assert execution.files_skipped_count == 1
    execution.refresh_from_db()  # what was recorded can be stored, whatever the name held
    (shown, reason) = execution.files_skipped[0]
    assert reason
    assert shown.isprintable()


def test_the_run_and_its_end_event_say_what_was_not_kept(running):
    execution = finish(running, {"a\\b.txt": b"x", "big.bin": b"x" * (MAX_FILE_BYTES + 1)})

    message = execution.files_skipped_message()
    assert message.startswith("2 files it wrote were not kept in the sandbox (")
    assert "big.bin: 1,048,577 bytes" in message
    assert end_event(execution)["files_skipped"] == message


def test_files_the_run_deleted_make_room_for_those_it_wrote(sandbox, running):
    for n in range(MAX_FILES - 1):
        sandbox.files.create(path=f"old{n}.txt", content=b"", size=0)

    execution = finish(running, {"new.txt": b"n"}, deleted=("old0.txt",))

    assert execution.files_skipped_count == 0
    assert sandbox.files.filter(path="new.txt").exists()
    assert sandbox.files.count() == MAX_FILES


def test_files_past_the_tiers_storage_are_skipped_though_the_runs_disk_held_them(sandbox, running):
    # A free run's disk (64 MiB) is larger than what a free sandbox keeps (10 MiB).
    written = {f"out/{n}.bin": b"x" * MAX_FILE_BYTES for n in range(12)}

    execution = finish(running, written)

    kept = sandbox.files.exclude(path="main.py")
    assert kept.count() == 9
    assert sum(sandbox.files.values_list("size", flat=True)) <= 10 * 1024 * 1024
    assert execution.files_skipped_count == 3
    assert execution.files_skipped[0][1].startswith("The sandbox's storage has ")
