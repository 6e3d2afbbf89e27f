"""Standard input that arrives while the program runs (an InputStream), on both backends."""

from __future__ import annotations

import asyncio

import pytest

from sandboxes.engine import InputStream, Status

from .attacks import make_spec

pytestmark = pytest.mark.sandbox

ANSWER_EACH_LINE = {
    "python": "import sys\nfor line in sys.stdin:\n    print('got', line.strip(), flush=True)\n"
    "print('end of input')\n",
    "node": """const rl = require("readline").createInterface({ input: process.stdin });
rl.on("line", (line) => console.log(`got ${line}`));
rl.on("close", () => console.log("end of input"));
""",
}


async def converse(engine, spec, lines: list[bytes]) -> tuple[Status, bytes]:
    """Write each line once the program has answered the one before, then close."""
    stdin = InputStream()
    printed = bytearray()
    answered = asyncio.Event()

    def on_output(_stream: str, data: bytes) -> None:
        printed.extend(data)
        answered.set()

    async def type_lines() -> None:
        for line in lines:
            answered.clear()
            stdin.write(line)
            await answered.wait()  # the program answered before the next one is typed
        stdin.close()

    try:
        typing = asyncio.create_task(type_lines())
        result = await engine.run(spec, on_output, stdin=stdin)
        await typing
    finally:
        await engine.aclose()
    return result.status, bytes(printed)


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_lines_written_while_it_runs_are_answered_one_by_one_then_eof(engine, isolation, runtime):
    spec = make_spec(ANSWER_EACH_LINE[runtime], runtime, isolation=isolation, stdin=b"first\n")

    status, printed = asyncio.run(converse(engine, spec, [b"second\n", b"third\n"]))

    assert status is Status.SUCCEEDED
    assert printed == b"got first\ngot second\ngot third\nend of input\n"


def test_a_program_waiting_for_input_that_never_comes_stops_at_its_time_limit(engine):
    spec = make_spec("input()", timeout_seconds=1)

    async def wait_forever():
        try:
            return await engine.run(spec, stdin=InputStream())  # never written, never closed
        finally:
            await engine.aclose()

    result = asyncio.run(wait_forever())

    assert result.status is Status.TIMED_OUT
