"""POST /api/sandbox with `args` and `stdin`: the program gets both (Python and Node)."""

from __future__ import annotations

import json

import pytest

from sandboxes.limits import MAX_ARGS, MAX_STDIN_BYTES
from sandboxes.models import Execution
from tests.clients import post_json, run_body

URL = "/api/sandbox"

PYTHON = """
import sys
print(sys.argv[1:])
print(input().upper())
print(sys.stdin.read().count("\\n"))
"""
NODE = """
const lines = require("fs").readFileSync(0, "utf8").split("\\n");
console.log(JSON.stringify(process.argv.slice(2)));
console.log(lines[0].toUpperCase());
console.log(lines.length - 2);
"""


async def run(client, **body):
    return await client.post(URL, json.dumps(body), content_type="application/json")


@pytest.mark.sandbox
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("runtime", "code", "argv_line"),
    [
        ("python", PYTHON, "['one', 'two words', '--flag']"),
        ("node", NODE, '["one","two words","--flag"]'),
    ],
)
async def test_a_program_reads_its_arguments_and_stdin(
    live_dispatcher, async_api, runtime, code, argv_line
):
    response = await run(
        async_api,
        runtime=runtime,
        code=code,
        args=["one", "two words", "--flag"],
        stdin="hello\nsecond\nthird\n",
    )

    result = response.json()
    assert result["status"] == "succeeded", result
    assert result["stdout"] == f"{argv_line}\nHELLO\n2\n"
    execution = await Execution.objects.aget(pk=result["executionId"])
    assert execution.snapshot["args"] == ["one", "two words", "--flag"]
    assert execution.snapshot["stdin"] == "hello\nsecond\nthird\n"
    assert execution.snapshot["interactive"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"args": "one two"}, "args"),
        ({"args": ["ok", 3]}, "args"),
        ({"args": ["x"] * (MAX_ARGS + 1)}, "args"),
        ({"args": ["a\0b"]}, "args"),
        ({"stdin": ["line"]}, "stdin"),
        ({"stdin": "x" * (MAX_STDIN_BYTES + 1)}, "stdin"),
        ({"interactive": "yes"}, "interactive"),
    ],
)
def test_bad_arguments_or_stdin_are_refused_naming_the_field(api, fields, field, settings):
    settings.API_MAX_BODY_BYTES = 4 * MAX_STDIN_BYTES
    response = post_json(api, URL, run_body(**fields))

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not Execution.objects.exists()
