"""The host's environment variables never reach a program, nor any process it can see."""

from __future__ import annotations

import os
import re
import secrets
import tempfile

import pytest

pytestmark = pytest.mark.sandbox

# Prints the program's own environment, then every /proc/<pid>/environ it can read,
# one "<where>: NAME=value" line per variable.
SHOW_ENVIRONMENTS = {
    "python": """\
import os

for name, value in os.environ.items():
    print(f"own: {name}={value}")
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            with open(f"/proc/{pid}/environ", "rb") as file:
                entries = file.read().split(b"\\0")
        except OSError as error:
            print(f"unreadable {pid}: {error}")
            continue
        print(f"read {pid}: {len(entries)} entries")
        for entry in filter(None, entries):
            print(f"proc {pid}: {entry.decode(errors='replace')}")
""",
    "node": """\
const fs = require("fs");

for (const [name, value] of Object.entries(process.env)) console.log(`own: ${name}=${value}`);
for (const pid of fs.readdirSync("/proc").filter((name) => /^\\d+$/.test(name))) {
  let entries;
  try {
    entries = fs.readFileSync(`/proc/${pid}/environ`, "latin1").split("\\0");
  } catch (error) {
    console.log(`unreadable ${pid}: ${error.code}`);
    continue;
  }
  console.log(`read ${pid}: ${entries.length} entries`);
  for (const entry of entries.filter(Boolean)) console.log(`proc ${pid}: ${entry}`);
}
""",
}

SANDBOX_VARIABLES = {"PATH", "HOME", "TMPDIR", "LANG", "USER", "PWD"}
# PYTHON_CPU_COUNT: os.cpu_count() says the run's vCPUs (tests/engine/test_vcpus.py).
PYTHON_VARIABLES = {"PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PYTHON_CPU_COUNT"}


def variables(output: str, where: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        if line.startswith(f"{where}: ") and "=" in line:
            name, _, value = line.removeprefix(f"{where}: ").partition("=")
            found[name] = value
    return found


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_secret_in_the_hosts_environment_is_not_in_the_programs_environment(
    run, monkeypatch, runtime
):
    secret = f"host-secret-{secrets.token_hex(8)}"
    monkeypatch.setenv("CODESANDBOXES_TEST_SECRET", secret)

    outcome = run(SHOW_ENVIRONMENTS[runtime], runtime)

    assert variables(outcome.stdout, "own")["HOME"] == "/tmp", outcome.stderr
    assert secret not in outcome.stdout
    assert "CODESANDBOXES_TEST_SECRET" not in outcome.stdout


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_secret_in_the_hosts_environment_is_in_no_proc_environ_the_program_can_read(
    run, monkeypatch, runtime
):
    secret = f"host-secret-{secrets.token_hex(8)}"
    monkeypatch.setenv("CODESANDBOXES_TEST_SECRET", secret)

    outcome = run(SHOW_ENVIRONMENTS[runtime], runtime)

    assert re.search(r"^proc \d+: PATH=", outcome.stdout, re.MULTILINE), outcome.stderr
    assert secret not in outcome.stdout


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_the_program_sees_only_the_sandboxs_variables_and_its_own(run, isolation, runtime):
    outcome = run(SHOW_ENVIRONMENTS[runtime], runtime, env={"GREETING": "hello"})

    expected = SANDBOX_VARIABLES | {"GREETING"}
    if isolation == "gvisor":
        expected -= {"PWD"}  # bubblewrap's shell stub sets PWD; runsc starts no shell
    if runtime == "python":
        expected |= PYTHON_VARIABLES
    assert set(variables(outcome.stdout, "own")) == expected, outcome.stderr


@pytest.fixture
def server_working_directory(monkeypatch):
    """Run the engine from a folder whose name is unique, so a leak of it can be spotted."""
    folder = tempfile.mkdtemp(prefix="codesandboxes-server-cwd-")
    os.chmod(folder, 0o755)
    monkeypatch.chdir(folder)
    yield folder
    os.rmdir(folder)


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_no_process_in_the_sandbox_reveals_the_servers_working_directory(
    run, server_working_directory, runtime
):
    outcome = run(SHOW_ENVIRONMENTS[runtime], runtime)

    assert "read 1: " in outcome.stdout or "unreadable 1" in outcome.stdout, outcome.stderr
    assert server_working_directory not in outcome.stdout
