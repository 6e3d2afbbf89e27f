"""A program cannot see or signal host processes, and nothing it starts outlives its run."""

from __future__ import annotations

import os
import subprocess

import pytest

from sandboxes.engine.runtimes import entry_file

from .attacks import (
    OneOf,
    attempts,
    node_probe,
    processes_left_by_runs,
    python_probe,
    unique_marker,
)

pytestmark = pytest.mark.sandbox
ATTACKS_WITH_NETWORK = True  # each case also with network `internet` (conftest.py)

NO_SUCH_PROCESS = OneOf("ESRCH", "EPERM")


def kill_probe(runtime: str, pid: int) -> str:
    if runtime == "python":
        return python_probe(
            "import os, signal\n"
            f"attempt('kill', lambda: os.kill({pid}, signal.SIGKILL))\n"
            "attempt('kill everyone', lambda: os.kill(-1, signal.SIGKILL))\n"
        )
    return node_probe(
        f"await attempt('kill', () => process.kill({pid}, 'SIGKILL'));\n"
        "await attempt('kill everyone', () => process.kill(-1, 'SIGKILL'));\n"
    )


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_program_cannot_kill_the_server_that_runs_it(run, runtime):
    outcome = run(kill_probe(runtime, os.getpid()), runtime)

    assert attempts(outcome.stdout) == {
        "kill": NO_SUCH_PROCESS,
        "kill everyone": NO_SUCH_PROCESS,
    }, outcome.stderr


@pytest.fixture
def host_process_of_the_sandbox_user(engine):
    """A host process running as the sandbox user, like another run's program would."""
    process = subprocess.Popen(["sleep", "60"], user=engine.uid, group=engine.gid, extra_groups=[])
    yield process
    process.kill()
    process.wait()


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_program_cannot_kill_a_host_process_of_its_own_host_user(
    run, host_process_of_the_sandbox_user, runtime
):
    victim = host_process_of_the_sandbox_user

    outcome = run(kill_probe(runtime, victim.pid), runtime)

    assert attempts(outcome.stdout) == {
        "kill": NO_SUCH_PROCESS,
        "kill everyone": NO_SUCH_PROCESS,
    }, outcome.stderr
    assert victim.poll() is None


LIST_PROCESSES = {
    "python": """\
import os
for pid in sorted(filter(str.isdigit, os.listdir("/proc")), key=int):
    with open(f"/proc/{pid}/cmdline", "rb") as file:
        print("process", pid, file.read().replace(b"\\0", b" ").decode(errors="replace"))
""",
    "node": """\
const fs = require("fs");
for (const pid of fs.readdirSync("/proc").filter((n) => /^\\d+$/.test(n))) {
  const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "latin1");
  console.log("process", pid, cmdline.split("\\0").join(" "));
}
""",
}


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_program_sees_only_the_few_processes_of_its_own_sandbox(run, runtime):
    outcome = run(LIST_PROCESSES[runtime], runtime)

    processes = dict(
        line.removeprefix("process ").split(" ", 1)
        for line in outcome.stdout.splitlines()
        if line.startswith("process ")
    )
    assert any(entry_file(runtime) in cmdline for cmdline in processes.values()), outcome.stderr
    assert len(processes) <= 3, processes
    assert str(os.getpid()) not in processes
    assert not any("pytest" in cmdline for cmdline in processes.values())


# Each starts a process meant to outlive the run, whose command line holds MARKER, prints
# "daemon running" once it shows up in /proc, then does AFTER.
DAEMONS = {
    "python double fork and setsid": """\
import os, sys, time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(60)", "MARKER"])
    os._exit(0)
os.wait()


def daemon_running():
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as file:
                if b"MARKER" in file.read():
                    return True
        except FileNotFoundError:
            pass
    return False


while not daemon_running():
    time.sleep(0.01)
print("daemon running", flush=True)
AFTER
""",
    "node detached and unref'd child": """\
const { spawn } = require("child_process");
const fs = require("fs");

// stdio "inherit", not "ignore": gVisor refuses to open its read-only /dev/null for writing
// (test_behaviour.py), and a daemon that holds the run's output must not outlive it either.
const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)", "MARKER"], {
  detached: true,
  stdio: "inherit",
});
child.unref();

function daemonRunning() {
  try {
    return fs.readFileSync(`/proc/${child.pid}/cmdline`, "latin1").includes("MARKER");
  } catch {
    return false;
  }
}

(async () => {
  while (!daemonRunning()) await new Promise((resolve) => setTimeout(resolve, 10));
  console.log("daemon running");
  AFTER
})();
""",
}
BUSY_LOOP = {"python": "while True: pass", "node": "while (true);"}


def daemon_program(how: str, marker: str, *, then_loop: bool) -> tuple[str, str]:
    runtime = "python" if how.startswith("python") else "node"
    after = BUSY_LOOP[runtime] if then_loop else ""
    return DAEMONS[how].replace("MARKER", marker).replace("AFTER", after), runtime


@pytest.mark.parametrize("how", list(DAEMONS))
def test_a_daemon_does_not_outlive_a_run_that_ended(run, how):
    marker = unique_marker()
    program, runtime = daemon_program(how, marker, then_loop=False)

    outcome = run(program, runtime)

    assert "daemon running" in outcome.stdout, outcome.stderr
    assert outcome.status == "succeeded"
    assert processes_left_by_runs(marker) == []


@pytest.mark.parametrize("how", list(DAEMONS))
def test_a_daemon_does_not_outlive_a_run_that_timed_out(run, how):
    marker = unique_marker()
    program, runtime = daemon_program(how, marker, then_loop=True)

    # A CPU limit, not a wall-clock one: the loop reaches it however loaded the machine is,
    # and only after the daemon has started and said so.
    outcome = run(program, runtime, cpu_seconds=1, timeout_seconds=60)

    assert "daemon running" in outcome.stdout, outcome.stderr
    assert outcome.status == "timed_out"
    assert processes_left_by_runs(marker) == []


HOLD_STDOUT = {
    "python": """\
import subprocess, sys
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
print("parent done")
""",
    "node": """\
const { spawn } = require("child_process");
spawn("sleep", ["30"], { detached: true, stdio: "inherit" }).unref();
console.log("parent done");
""",
}


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_run_ends_when_the_program_exits_though_a_child_holds_its_stdout(run, runtime):
    outcome = run(HOLD_STDOUT[runtime], runtime)  # waiting for the child would time out

    assert outcome.stdout == "parent done\n", outcome.stderr
    assert outcome.status == "succeeded"
