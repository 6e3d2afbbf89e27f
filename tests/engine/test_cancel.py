"""A run can be cancelled from any thread: it ends at once, and all of its processes too."""

from __future__ import annotations

import threading
import time

import pytest

from sandboxes.engine import CancelToken

from .attacks import host_processes_with, make_spec, unique_marker

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
def test_a_cancel_from_another_thread_ends_the_run_within_a_second(engine, runtime):
    marker = unique_marker()
    output: list[bytes] = []
    cancel = CancelToken()
    timer = threading.Timer(0.5, cancel.cancel)
    timer.start()
    started = time.monotonic()

    result = engine.run_sync(
        make_spec(RUN_FOREVER[runtime], runtime, argv=(marker,), timeout_seconds=20),
        lambda _stream, data: output.append(data),
        cancel,
    )

    assert b"running" in b"".join(output)
    assert result.status == "cancelled"
    assert result.error == "Cancelled."
    assert time.monotonic() - started < 1.5
    assert host_processes_with(marker) == []


def test_a_run_cancelled_before_it_starts_ends_at_once(engine):
    cancel = CancelToken()
    cancel.cancel()
    started = time.monotonic()

    result = engine.run_sync(
        make_spec("import time\ntime.sleep(30)\n", timeout_seconds=20), None, cancel
    )

    assert result.status == "cancelled"
    assert time.monotonic() - started < 1.5
