"""Piston API v2's POST /execute, mirroring Piston's own API tests: real runs of the
caller's, answered in Piston's shape."""

from __future__ import annotations

import base64

import pytest

from sandboxes.models import Execution
from tests.clients import post_json

URL = "/piston/api/v2/execute"

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.django_db(transaction=True),
]


def execute(client, code: str, language: str = "python", **fields):
    body = {"language": language, "version": "*", "files": [{"content": code}], **fields}
    return post_json(client, URL, body)


def interleaves(merged: str, first: str, second: str) -> bool:
    """Whether `merged` is `first` and `second` interleaved, each kept in its order."""
    can = {(0, 0)}  # (used of first, used of second) that can make merged's prefix
    for char in merged:
        can = {(i + 1, j) for i, j in can if first[i : i + 1] == char} | {
            (i, j + 1) for i, j in can if second[j : j + 1] == char
        }
    return (len(first), len(second)) in can


def test_interleaving_is_checked_both_ways():
    assert interleaves("ab12c", "abc", "12") and interleaves("abc12", "abc", "12")
    assert not interleaves("ba12c", "abc", "12") and not interleaves("abc1", "abc", "12")


async def test_it_runs_the_first_file_with_stdin_and_args(live_dispatcher, async_piston, owner):
    code = "import sys\nprint(sys.argv[1:], sys.stdin.read())\nsys.stderr.write('warn')"

    response = await execute(async_piston, code, stdin="typed", args=["a", "b c"])

    assert response.status_code == 200
    body = response.json()
    assert body["language"] == "python"
    assert body["version"].startswith("3.")
    run = body["run"]
    assert run["stdout"] == "['a', 'b c'] typed\n"
    assert run["stderr"] == "warn"
    # Two pipes read at once: their parts may interleave, each in its own order.
    assert interleaves(run["output"], run["stdout"], run["stderr"])
    assert (run["code"], run["signal"], run["status"]) == (0, None, None)
    execution = await Execution.objects.aget(pk=response["X-Execution-Id"])
    assert (execution.owner_id, execution.source) == (owner.pk, "piston")


async def test_a_failing_program_is_a_200_with_its_exit_code(live_dispatcher, async_piston):
    response = await execute(async_piston, "raise SystemExit(3)")

    assert response.status_code == 200
    assert (response.json()["run"]["code"], response.json()["run"]["status"]) == (3, "RE")


async def test_javascript_runs_on_node_with_its_other_files(live_dispatcher, async_piston):
    files = [
        {"name": "main.js", "content": "console.log(require('./lib.js').twice(21))"},
        {"name": "lib.js", "content": "exports.twice = (n) => n * 2"},
    ]
    response = await post_json(
        async_piston, URL, {"language": "js", "version": "*", "files": files}
    )

    assert response.status_code == 200
    assert response.json()["language"] == "javascript"
    assert response.json()["run"]["stdout"] == "42\n"


async def test_files_may_be_base64_encoded(live_dispatcher, async_piston):
    files = [
        {"name": "main.py", "content": "print(open('data.bin', 'rb').read())"},
        {
            "name": "data.bin",
            "content": base64.b64encode(b"\x00\x01").decode(),
            "encoding": "base64",
        },
    ]
    response = await post_json(
        async_piston, URL, {"language": "python", "version": "3.x", "files": files}
    )

    assert response.json()["run"]["stdout"] == "b'\\x00\\x01'\n"


async def test_a_program_over_its_run_timeout_is_killed(live_dispatcher, async_piston):
    response = await execute(async_piston, "import time\ntime.sleep(30)", run_timeout=1000)

    run = response.json()["run"]
    assert (run["status"], run["signal"], run["code"]) == ("TO", "SIGKILL", None)
    execution = await Execution.objects.aget(pk=response["X-Execution-Id"])
    assert (execution.status, execution.timeout_seconds) == ("timed_out", 1)


async def test_a_program_over_the_memory_limit_is_killed(live_dispatcher, async_piston):
    response = await execute(async_piston, "blocks = [bytearray(2**20) for _ in range(10**4)]")

    run = response.json()["run"]
    assert run["signal"] == "SIGKILL"
    assert run["status"] == "SG"
