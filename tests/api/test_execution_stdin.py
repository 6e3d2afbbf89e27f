"""POST /api/executions/<id>/stdin: writing to an interactive run while it goes."""

from __future__ import annotations

import json

import pytest

from sandboxes.models import OutputChunk
from tests.api.sse import parse_sse
from tests.clients import post_json
from tests.factories import ExecutionFactory

URL = "/api/sandbox"

PYTHON = """import sys
name = input("Name? ")
print(f"Hello {name}", flush=True)
print(len(sys.stdin.read().splitlines()), "more lines")
"""
NODE = """const rl = require("readline").createInterface({ input: process.stdin });
let lines = 0;
rl.on("line", (line) => { if (lines++ === 0) console.log(`Hello ${line}`); });
rl.on("close", () => console.log(`${lines - 1} more lines`));
"""


def stdin_url(execution_id) -> str:
    return f"/api/executions/{execution_id}/stdin"


class Events:
    """The SSE events of a streaming answer, read as they come."""

    def __init__(self, response) -> None:
        self.content = aiter(response.streaming_content)
        self.buffer = ""
        self.seen: list = []

    async def until(self, predicate):
        while True:
            for event in self.seen:
                if event.data is not None and predicate(event.data):
                    return event
            part = await anext(self.content)
            self.buffer += part.decode()
            *frames, self.buffer = self.buffer.split("\n\n")
            for frame in frames:
                self.seen.extend(parse_sse(frame + "\n\n"))


@pytest.mark.sandbox
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("runtime", "code"), [("python", PYTHON), ("node", NODE)])
async def test_lines_written_while_it_runs_reach_the_program_and_its_output(
    live_dispatcher, async_api, runtime, code
):
    body = {"runtime": runtime, "code": code, "interactive": True, "streaming": True}
    response = await async_api.post(URL, json.dumps(body), content_type="application/json")
    execution_id = response["X-Execution-Id"]
    events = Events(response)
    await events.until(lambda e: e.get("status") == "running")

    written = await async_api.post(
        stdin_url(execution_id), json.dumps({"data": "Ada\n"}), content_type="application/json"
    )
    assert written.status_code == 202
    assert written.json() == {"executionId": execution_id, "accepted": True, "status": "running"}
    await events.until(lambda e: "Hello Ada" in e.get("data", ""))
    await async_api.post(
        stdin_url(execution_id),
        json.dumps({"data": "two\nthree\n", "eof": True}),
        content_type="application/json",
    )
    end = await events.until(lambda e: e["type"] in ("exit", "error"))

    assert end.data["status"] == "succeeded"
    output = [(e.data["type"], e.data["data"]) for e in events.seen if "data" in e.data]
    typed = [data for kind, data in output if kind == "stdin"]
    assert typed == ["Ada\n", "two\nthree\n"]
    assert "".join(d for k, d in output if k == "stdout").endswith("Hello Ada\n2 more lines\n")
    # Recorded in the run's output, in the order the program saw it.
    # (The prompt may come before or after the typed line: a race the program decides.)
    chunks = OutputChunk.objects.filter(execution_id=execution_id).order_by("seq")
    stored = [(stream, data) async for stream, data in chunks.values_list("stream", "data")]
    typed_at = stored.index(("stdin", "Ada\n"))
    answered_at = next(i for i, (k, d) in enumerate(stored) if "Hello Ada" in d)
    assert typed_at < answered_at
    await events.content.aclose()


@pytest.mark.django_db
def test_another_user_cannot_write_to_a_run(owner, other_api):
    run = interactive_run(owner, status="running")

    response = post_json(other_api, stdin_url(run.pk), {"data": "x\n"})

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "interactive", "says"),
    [
        ("running", False, "start the run with `interactive`"),
        ("queued", True, "has not started yet"),
        ("succeeded", True, "already ended"),
    ],
)
def test_a_run_that_cannot_take_input_answers_409(api, owner, status, interactive, says):
    run = interactive_run(owner, status=status, interactive=interactive)

    response = post_json(api, stdin_url(run.pk), {"data": "x\n"})

    assert response.status_code == 409
    assert says in response.json()["error"]
    assert response.json()["status"] == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"data": 3}, "data"),
        ({"data": "x" * (64 * 1024 + 1)}, "data"),
        ({"eof": "yes"}, "eof"),
        ({}, "data"),
        ({"data": "x", "more": 1}, "more"),
        ("[1]", "body"),
    ],
)
def test_a_bad_write_is_refused_naming_the_field(api, owner, body, field):
    run = interactive_run(owner, status="running")

    response = post_json(api, stdin_url(run.pk), body)

    assert response.status_code == 400
    assert response.json()["field"] == field


def interactive_run(owner, *, status: str, interactive: bool = True):
    return ExecutionFactory(owner=owner, status=status, interactive=interactive)
