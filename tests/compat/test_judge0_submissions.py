"""Judge0 CE's submissions: real runs of the caller's, judged and answered as Judge0 does."""

from __future__ import annotations

import base64

import pytest

from sandboxes.models import Execution
from tests.clients import post_json
from tests.waiting import await_for

URL = "/judge0/submissions"

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.django_db(transaction=True),
]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def submit(client, query: str = "?wait=true", **body):
    return await post_json(client, URL + query, {"language_id": 71, **body})


async def test_a_waited_submission_answers_with_its_result(live_dispatcher, async_judge0, owner):
    response = await submit(async_judge0, source_code="print(input()[::-1])", stdin="abc")

    assert response.status_code == 201
    result = response.json()
    assert result["status"] == {"id": 3, "description": "Accepted"}
    assert result["stdout"] == "cba\n"
    assert result["stderr"] == ""
    assert float(result["time"]) >= 0
    assert result["memory"] > 0
    execution = await Execution.objects.aget(pk=result["token"])
    assert (execution.owner_id, execution.source) == (owner.pk, "judge0")


async def test_expected_output_judges_accepted_or_wrong_answer(live_dispatcher, async_judge0):
    right = await submit(async_judge0, source_code="print(6 * 7)", expected_output="42")
    wrong = await submit(async_judge0, source_code="print(6 * 9)", expected_output="42\n")

    assert right.json()["status"]["description"] == "Accepted"
    assert wrong.json()["status"] == {"id": 4, "description": "Wrong Answer"}


async def test_a_queued_submission_is_polled_by_its_token(live_dispatcher, async_judge0):
    created = await submit(async_judge0, "?wait=false", source_code="print('later')")

    assert created.status_code == 201
    token = created.json()["token"]

    async def judged():
        polled = (await async_judge0.get(f"{URL}/{token}")).json()
        return polled if polled["status"]["id"] > 2 else None  # past In Queue, Processing

    polled = await await_for(judged, "the submission to be judged")
    assert polled["status"]["id"] == 3
    assert polled["stdout"] == "later\n"
    assert polled["token"] == token


async def test_base64_mode_encodes_both_ways(live_dispatcher, async_judge0):
    response = await submit(
        async_judge0,
        "?wait=true&base64_encoded=true&fields=stdout,stdin,source_code,status",
        source_code=b64("import sys\nprint(sys.stdin.read().upper())"),
        stdin=b64("é"),
    )

    result = response.json()
    assert set(result) == {"stdout", "stdin", "source_code", "status"}
    assert base64.b64decode(result["stdout"]).decode() == "É\n"
    assert base64.b64decode(result["stdin"]).decode() == "é"
    source = base64.b64decode(result["source_code"]).decode()
    assert source == "import sys\nprint(sys.stdin.read().upper())"  # read back from storage


async def test_a_program_over_its_time_limit_is_time_limit_exceeded(live_dispatcher, async_judge0):
    response = await submit(async_judge0, source_code="while True: pass", cpu_time_limit=1)

    assert response.json()["status"] == {"id": 5, "description": "Time Limit Exceeded"}


async def test_a_non_zero_exit_is_a_runtime_error_nzec(live_dispatcher, async_judge0):
    response = await submit(
        async_judge0,
        "?wait=true&fields=status,exit_code,message,stderr",
        source_code="import sys\nsys.exit(int(sys.argv[1]))",
        command_line_arguments="4 'two words'",
    )

    result = response.json()
    assert result["status"] == {"id": 11, "description": "Runtime Error (NZEC)"}
    assert result["exit_code"] == 4
    assert result["message"] == "Exited with error status 4"


async def test_javascript_and_typescript_run_on_node(live_dispatcher, async_judge0):
    js = await submit(async_judge0, language_id=63, source_code="console.log(1 + 1)")
    ts = await submit(
        async_judge0, language_id=74, source_code="const n: number = 3\nconsole.log(n * 2)"
    )

    assert (js.json()["stdout"], ts.json()["stdout"]) == ("2\n", "6\n")


async def test_a_batch_is_created_and_read_back_in_order(live_dispatcher, async_judge0):
    created = await post_json(
        async_judge0,
        f"{URL}/batch",
        {
            "submissions": [
                {"language_id": 71, "source_code": "print(1)"},
                {"language_id": 9999, "source_code": "print(2)"},
            ]
        },
    )

    assert created.status_code == 201
    first, refused = created.json()
    assert refused == {"language_id": ["language with id 9999 doesn't exist"]}

    async def judged():
        batch = (await async_judge0.get(f"{URL}/batch?tokens={first['token']},nope")).json()
        return batch if batch["submissions"][0]["status"]["id"] > 2 else None

    batch = await await_for(judged, "the batch's first submission to be judged")
    assert batch["submissions"][0]["stdout"] == "1\n"
    assert batch["submissions"][1] is None


async def test_a_memory_limit_asked_for_is_the_runs(live_dispatcher, async_judge0):
    code = "data = b'x' * (100 * 1024 * 1024)\nprint('allocated')"

    small = await submit(async_judge0, source_code=code, memory_limit=48 * 1024)
    roomy = await submit(async_judge0, source_code="print('fits')", memory_limit=48 * 1024)

    assert "allocated" not in (small.json()["stdout"] or "")
    assert small.json()["status"]["description"] != "Accepted"
    assert roomy.json()["stdout"] == "fits\n"
    execution = await Execution.objects.aget(pk=small.json()["token"])
    assert (execution.status, execution.snapshot["resources"]["memory_mb"]) == ("oom_killed", 48)
