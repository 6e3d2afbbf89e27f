"""A run's output is stored faithfully or the run ends `error` saying why: never lost in
silence, never a program blocked on a pipe nobody reads any more.

PostgreSQL text cannot hold a NUL byte: CI runs these on PostgreSQL, where a NUL used to
kill the stdout reader, leave the program blocked on a full pipe until its timeout, and
store nothing.
"""

from __future__ import annotations

import json

import pytest

from sandboxes.runs import output, pipeline

URL = "/api/sandbox"

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.django_db(transaction=True),
]


async def run(client, code: str, **body):
    response = await client.post(
        URL, json.dumps({"code": code, "timeout": 20, **body}), content_type="application/json"
    )
    return response.json()


async def test_a_nul_byte_is_stored_as_a_replacement_character_and_nothing_is_lost(
    live_dispatcher, async_api
):
    code = (
        "import sys\n"
        "print('start\\x00', flush=True)\n"
        "sys.stdout.write('x' * 200_000)\n"
        "print('end')\n"
    )

    result = await run(async_api, code)

    assert result["status"] == "succeeded"
    assert result["stdout"] == "start\ufffd\n" + "x" * 200_000 + "end\n"


async def test_raw_bytes_with_a_nul_written_to_the_pipe_are_kept(live_dispatcher, async_api):
    result = await run(async_api, "import os\nos.write(1, b'x\\x00y')\nos.write(2, b'\\x00')")

    assert result["status"] == "succeeded"
    assert result["stdout"] == "x\ufffdy"
    assert result["stderr"] == "\ufffd"


async def test_output_that_cannot_be_stored_ends_the_run_in_error_without_blocking_it(
    live_dispatcher, async_api, monkeypatch
):
    def broken_store(execution_id, chunks):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(output, "output_store", broken_store)
    # Far more than a pipe holds: a program whose reader died would block until its timeout.
    code = (
        "import sys\n"
        "for _ in range(50):\n"
        "    sys.stdout.write('y' * 10_000)\n"
        "    sys.stdout.flush()\n"
    )

    # With a 600 s limit, only the test's own 60 s timeout would catch a blocked program.
    result = await run(async_api, code, timeout=600)

    assert result["status"] == "error"
    assert "output could not be stored" in result["error"]


async def test_a_run_whose_results_cannot_be_stored_still_ends_in_error_with_its_output(
    live_dispatcher, async_api, monkeypatch
):
    end = pipeline.execution_end

    def end_failing_once(execution_id, **fields):
        if fields["status"] != "error":
            raise RuntimeError("value too long for type character varying(255)")
        return end(execution_id, **fields)

    monkeypatch.setattr(pipeline, "execution_end", end_failing_once)

    result = await run(async_api, "print('kept')\nopen('out.txt', 'w').write('x')")

    assert result["status"] == "error"
    assert "could not be stored" in result["error"]
    assert result["stdout"] == "kept\n"


async def test_files_it_wrote_that_a_sandbox_may_not_hold_are_named_not_fatal(
    live_dispatcher, async_api
):
    code = (
        "import os\n"
        "folder = '/'.join(['d' * 100] * 3)\n"
        "os.makedirs(folder)\n"
        "open(folder + '/long.txt', 'w').write('x')\n"
        "open('back\\\\slash.txt', 'w').write('x')\n"
        "open('report\\u202etxt.exe', 'w').write('x')\n"
        "open('ok.txt', 'w').write('kept')\n"
    )

    result = await run(async_api, code)

    assert result["status"] == "succeeded"
    assert [file["path"] for file in result["files"]] == ["ok.txt"]
    assert result["filesSkippedCount"] == 3
    backslash, long, override = sorted(skipped["path"] for skipped in result["filesSkipped"])
    assert backslash == "back\\slash.txt"
    assert override == "report\ufffdtxt.exe"  # shown without turning the name around
    assert long.startswith("ddd") and "\u2026" in long and long.endswith("d/long.txt")
