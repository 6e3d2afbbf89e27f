"""Wall-clock and CPU limits end a run promptly, whatever the program does about signals."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.sandbox

IGNORE_SIGTERM_AND_SPIN = {
    "python": """\
import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
print("spinning", flush=True)
while True:
    pass
""",
    "node": """\
process.on("SIGTERM", () => {});
process.on("SIGINT", () => {});
console.log("spinning");
while (true);
""",
}

SLEEP = {
    "python": "import time\nprint('sleeping', flush=True)\ntime.sleep(60)\n",
    "node": "console.log('sleeping');\nsetTimeout(() => {}, 60000);\n",
}

SPIN = {
    "python": "print('spinning', flush=True)\nwhile True:\n    pass\n",
    "node": "console.log('spinning');\nwhile (true);\n",
}


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_busy_loop_that_ignores_sigterm_is_stopped_at_the_timeout(run, runtime):
    started = time.monotonic()

    outcome = run(IGNORE_SIGTERM_AND_SPIN[runtime], runtime, timeout_seconds=1)

    assert outcome.stdout == "spinning\n", outcome.stderr
    assert outcome.status == "timed_out"
    assert outcome.result.wall_seconds < 3
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_sleeper_is_stopped_at_the_timeout(run, runtime):
    started = time.monotonic()

    outcome = run(SLEEP[runtime], runtime, timeout_seconds=1)

    assert outcome.stdout == "sleeping\n", outcome.stderr
    assert outcome.status == "timed_out"
    assert "time limit" in outcome.result.error
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_program_over_its_cpu_time_is_stopped_as_timed_out_every_time(run, runtime):
    # Three runs, because a race decides today's status and the limit must win them all.
    # Under gVisor, runsc's own start-up (~0.25 s of CPU) counts too: the runner measures
    # the run's cgroup.
    for _ in range(3):
        started = time.monotonic()

        outcome = run(SPIN[runtime], runtime, cpu_seconds=1, timeout_seconds=10)

        assert outcome.stdout == "spinning\n", outcome.stderr
        assert time.monotonic() - started < 4
        assert (outcome.status, outcome.result.error) == (
            "timed_out",
            "Stopped after using 1 s of CPU time.",
        )


SPIN_IN_TWO_PROCESSES = {
    "python": "import os\nos.fork()\nprint('spinning', flush=True)\nwhile True:\n    pass\n",
    "node": """\
const { spawn } = require("child_process");
spawn(process.execPath, ["-e", "while (true);"], { stdio: "inherit" });
console.log("spinning");
while (true);
""",
}


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_the_cpu_limit_counts_the_cpu_time_of_every_process_of_the_run(run, runtime):
    started = time.monotonic()

    outcome = run(
        SPIN_IN_TWO_PROCESSES[runtime], runtime, cpu_seconds=1, cpus=2, timeout_seconds=10
    )

    assert "spinning" in outcome.stdout, outcome.stderr
    assert outcome.status == "timed_out"
    assert "CPU" in outcome.result.error
    assert time.monotonic() - started < 3
