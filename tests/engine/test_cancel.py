"""A run can be cancelled from any thread: it ends at once, and all of its processes too."""

from __future__ import annotations

import threading
import time

import pytest

from sandboxes.engine import CancelToken

from .attacks import make_spec, processes_left_by_runs, unique_marker

pytestmark = pytest.mark.sandbox

RUN_FOREVER = {
    "python": """\
import os, signal, subprocess, sys
signal.signal(signal.SIGTERM, signal.SIG_IGN)
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"] + sys.argv[1:])
print("running", flush=True)
while True:
    pass
""",
    "node": """\
const { spawn } = require("child_process");
process.on("SIGTERM", () => {});
spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)", ...process.argv.slice(2)]);
console.log("running");
while (true);
""",
}


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_cancel_from_another_thread_ends_the_run_within_a_second(engine, isolation, runtime):
    marker = unique_marker()
    output: list[bytes] = []
    cancel = CancelToken()
    cancelled_at: list[float] = []

    def cancel_from_another_thread() -> None:
        cancelled_at.append(time.monotonic())
        cancel.cancel()

    # Half a second after the program started running, not after the run started: a gVisor
    # sandbox may take longer than that to start on a busy host.
    timer = threading.Timer(0.5, cancel_from_another_thread)

    def on_output(_stream: str, data: bytes) -> None:
        output.append(data)
        if b"running" in b"".join(output) and not timer.is_alive() and not cancelled_at:
            timer.start()

    result = engine.run_sync(
        make_spec(
            RUN_FOREVER[runtime], runtime, argv=(marker,), isolation=isolation, timeout_seconds=20
        ),
        on_output,
        cancel,
    )

    assert cancelled_at, b"".join(output)
    assert result.status == "cancelled"
    assert result.error == "Cancelled."
    assert processes_left_by_runs(marker) == []


def test_a_run_cancelled_before_it_starts_ends_at_once(engine, isolation):
    cancel = CancelToken()
    cancel.cancel()
    result = engine.run_sync(
        make_spec("import time\ntime.sleep(30)\n", isolation=isolation, timeout_seconds=20),
        None,
        cancel,
    )

    assert result.status == "cancelled"  # not timed_out: it never waited for the program
