"""Wall-clock and CPU limits end a run, whatever the program does about signals.

Which limit ended a run is read from its result (the status, the error's words, the
signal), never from how long the test took: a loaded machine stretches every run.
"""

from __future__ import annotations

import signal

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

# A wall-clock limit counts the sandbox's start (gVisor's is ~0.3 s of CPU): long enough
# for the program to start and say so on a loaded machine, short enough to keep tests fast.
WALL_LIMIT = 3

SPIN = {
    "python": "print('spinning', flush=True)\nwhile True:\n    pass\n",
    "node": "console.log('spinning');\nwhile (true);\n",
}


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_busy_loop_that_ignores_sigterm_is_stopped_at_the_timeout(run, runtime):
    outcome = run(IGNORE_SIGTERM_AND_SPIN[runtime], runtime, timeout_seconds=WALL_LIMIT)

    assert outcome.stdout == "spinning\n", outcome.stderr
    assert outcome.status == "timed_out"
    assert "time limit" in outcome.result.error
    assert outcome.result.signal == signal.SIGKILL


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_sleeper_is_stopped_at_the_timeout(run, runtime):
    outcome = run(SLEEP[runtime], runtime, timeout_seconds=WALL_LIMIT)

    assert outcome.stdout == "sleeping\n", outcome.stderr
    assert outcome.status == "timed_out"
    assert "time limit" in outcome.result.error


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_program_over_its_cpu_time_is_stopped_as_timed_out_every_time(run, runtime):
    # Three runs, because a race decides today's status and the limit must win them all.
    # Under gVisor, runsc's own start-up (~0.25 s of CPU) counts too: the runner measures
    # the run's cgroup.
    # The wall-clock limit is far off (60 s), so its words in the error would mean the CPU
    # limit was missed.
    for _ in range(3):
        outcome = run(SPIN[runtime], runtime, cpu_seconds=1, timeout_seconds=60)

        assert outcome.stdout == "spinning\n", outcome.stderr
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
    outcome = run(
        SPIN_IN_TWO_PROCESSES[runtime], runtime, cpu_seconds=1, cpus=2, timeout_seconds=60
    )

    assert "spinning" in outcome.stdout, outcome.stderr
    assert outcome.status == "timed_out"
    assert outcome.result.error == "Stopped after using 1 s of CPU time."
    assert outcome.result.cpu_seconds >= 1
