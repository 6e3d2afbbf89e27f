"""Output reaches the caller while the program runs, in the order it was written."""

from __future__ import annotations

import asyncio
import time

import pytest

from sandboxes.engine.errors import OutputFailed

from .attacks import make_spec

pytestmark = pytest.mark.sandbox

PRINT_ONE_TO_FIVE_SLOWLY = {
    "python": "import time\nfor i in range(1, 6):\n    print(i, flush=True)\n    time.sleep(0.2)\n",
    "node": """\
let i = 0;
const timer = setInterval(() => {
  console.log(++i);
  if (i === 5) clearInterval(timer);
}, 200);
""",
}

PRINT_ONE_TO_FIVE_AT_ONCE = {
    "python": "for i in range(1, 6):\n    print(i, flush=True)\n",
    "node": "for (let i = 1; i <= 5; i++) console.log(i);\n",
}


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_flushed_lines_arrive_in_the_order_they_were_printed(engine, isolation, runtime):
    received: list[bytes] = []

    engine.run_sync(
        make_spec(PRINT_ONE_TO_FIVE_AT_ONCE[runtime], runtime, isolation=isolation),
        lambda _stream, data: received.append(data),
    )

    assert b"".join(received) == b"1\n2\n3\n4\n5\n"


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_output_printed_in_a_loop_arrives_before_the_loop_ends(engine, isolation, runtime):
    arrivals: list[tuple[float, bytes]] = []

    result = engine.run_sync(
        make_spec(PRINT_ONE_TO_FIVE_SLOWLY[runtime], runtime, isolation=isolation),
        lambda _stream, data: arrivals.append((time.monotonic(), data)),
    )
    ended = time.monotonic()

    assert result.status == "succeeded"
    assert b"".join(data for _, data in arrivals) == b"1\n2\n3\n4\n5\n"
    assert len(arrivals) >= 3, "the output came in one lump"
    first_arrival = arrivals[0][0]
    assert ended - first_arrival > 0.5, "the first line arrived only as the run ended"


def test_an_async_output_callback_is_awaited_for_every_chunk(engine, isolation):
    received: list[tuple[str, bytes]] = []

    async def on_output(stream: str, data: bytes) -> None:
        await asyncio.sleep(0.01)
        received.append((stream, data))

    engine.run_sync(
        make_spec("import sys\nprint('out')\nprint('err', file=sys.stderr)\n", isolation=isolation),
        on_output,
    )

    assert b"".join(d for s, d in received if s == "stdout") == b"out\n"
    assert b"".join(d for s, d in received if s == "stderr") == b"err\n"


def test_an_output_callback_that_fails_stops_the_run_in_error_instead_of_blocking_it(
    engine, isolation
):
    def on_output(stream: str, data: bytes) -> None:
        raise RuntimeError("cannot store this")

    # Writes far more than a pipe holds: a reader that died would leave it blocked until
    # its 600 s limit (the test's own timeout catches that).
    code = "import sys\nwhile True:\n    sys.stdout.write('y' * 65536)\n    sys.stdout.flush()\n"

    with pytest.raises(OutputFailed, match="output could not be stored"):
        engine.run_sync(
            make_spec(code, isolation=isolation, timeout_seconds=600, cpu_seconds=600), on_output
        )
