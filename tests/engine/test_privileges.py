"""A program runs unprivileged: no root, no capabilities, nothing of the system writable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandboxes.engine import CancelToken

from .attacks import (
    READ_ONLY,
    OneOf,
    attempts,
    host_processes_with,
    make_spec,
    node_probe,
    python_probe,
    unique_marker,
)

pytestmark = pytest.mark.sandbox

RUNTIMES = ["python", "node"]


def write_probe(runtime: str, folder: str) -> str:
    """A program that tries to create a file in `folder` ("RUNTIME" = its own install)."""
    if runtime == "python":
        where = "sys.prefix" if folder == "RUNTIME" else repr(folder)
        return python_probe(
            "import os, sys\n"
            f"path = os.path.join({where}, 'codesandboxes-probe')\n"
            "attempt('write', lambda: open(path, 'w').write('x'))\n"
        )
    where = (
        "path.dirname(path.dirname(process.execPath))"
        if folder == "RUNTIME"
        else json.dumps(folder)
    )
    return node_probe(
        "const fs = require('fs');\nconst path = require('path');\n"
        f"const file = path.join({where}, 'codesandboxes-probe');\n"
        "await attempt('write', () => fs.writeFileSync(file, 'x'));\n"
    )


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize(
    "folder",
    [
        "/usr",
        "/usr/lib",
        "/bin",
        "RUNTIME",
        "/",
        "/etc",
        "/opt",
        "/dev",
    ],
)
def test_a_program_cannot_write_into_a_system_folder(run, folder, runtime):
    outcome = run(write_probe(runtime, folder), runtime)

    assert attempts(outcome.stdout) == {"write": OneOf(READ_ONLY)}, outcome.stderr


@pytest.mark.parametrize(
    "path",
    [
        "/proc/sys/kernel/hostname",
        "/proc/sys/vm/drop_caches",
        "/proc/sys/kernel/core_pattern",
        "/proc/sysrq-trigger",
        "/sys/fs/cgroup/cgroup.procs",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",
        "/sys/fs/cgroup/pids/pids.max",
    ],
)
def test_a_program_cannot_change_a_host_wide_kernel_setting(run, path):
    outcome = run(python_probe(f"attempt('write', lambda: open({path!r}, 'w').write('1'))\n"))

    assert attempts(outcome.stdout) == {"write": OneOf(READ_ONLY, "ENOENT")}, outcome.stderr


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_cgroup_hierarchy_is_absent_or_read_only(run, runtime):
    if runtime == "python":
        program = python_probe(
            "import os\nattempt('mkdir', lambda: os.mkdir('/sys/fs/cgroup/x'))\n"
        )
    else:
        program = node_probe(
            "await attempt('mkdir', () => require('fs').mkdirSync('/sys/fs/cgroup/x'));"
        )

    outcome = run(program, runtime)

    assert attempts(outcome.stdout) == {"mkdir": OneOf(READ_ONLY, "ENOENT")}, outcome.stderr


SHOW_IDENTITY = {
    "python": """\
import os
print("uid", os.getuid(), os.geteuid())
print("gid", os.getgid(), os.getegid())
for line in open("/proc/self/uid_map"):
    print("uid_map", *line.split())
print(open("/proc/self/status").read(), end="")
""",
    "node": """\
const fs = require("fs");
console.log("uid", process.getuid(), process.geteuid());
console.log("gid", process.getgid(), process.getegid());
for (const line of fs.readFileSync("/proc/self/uid_map", "utf8").trim().split("\\n")) {
  console.log("uid_map", ...line.trim().split(/\\s+/));
}
process.stdout.write(fs.readFileSync("/proc/self/status", "utf8"));
""",
}


def status_fields(output: str) -> dict[str, str]:
    return dict(line.split(":", 1) for line in output.splitlines() if ":" in line and "\t" in line)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_program_is_not_root_inside_its_sandbox(run, runtime):
    outcome = run(SHOW_IDENTITY[runtime], runtime)

    lines = outcome.stdout.splitlines()
    uids = next(line.split()[1:] for line in lines if line.startswith("uid "))
    gids = next(line.split()[1:] for line in lines if line.startswith("gid "))
    assert uids and gids, outcome.stderr
    assert "0" not in uids + gids


SAY_READY_AND_WAIT = {
    "python": "import time\nprint('ready', flush=True)\ntime.sleep(5)\n",
    "node": "console.log('ready');\nsetTimeout(() => {}, 5000);\n",
}


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_program_runs_as_the_unprivileged_sandbox_user_on_the_host(engine, runtime):
    marker = unique_marker()
    seen_from_host: list[list[str]] = []
    cancel = CancelToken()

    def on_output(stream: str, data: bytes) -> None:
        if b"ready" in data:  # the program waits now: look at it from the host
            seen_from_host.extend(host_ids(marker))
            cancel.cancel()

    spec = make_spec(SAY_READY_AND_WAIT[runtime], runtime, argv=(marker,), timeout_seconds=8)
    engine.run_sync(spec, on_output, cancel)

    assert seen_from_host, "the program's process was not found on the host"
    for uid_line in seen_from_host:
        assert set(uid_line) == {str(engine.uid)}


def host_ids(marker: str) -> list[list[str]]:
    """The real, effective, saved and fs uids of the host processes running `marker`."""
    ids = []
    for line in host_processes_with(marker):
        pid = line.split(":", 1)[0]
        status = Path(f"/proc/{pid}/status").read_text()
        ids.append(next(row.split()[1:] for row in status.splitlines() if row.startswith("Uid:")))
    return ids


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_program_has_no_capability_at_all(run, runtime):
    outcome = run(SHOW_IDENTITY[runtime], runtime)

    fields = status_fields(outcome.stdout)
    capabilities = {name: fields[name].strip() for name in fields if name.startswith("Cap")}
    assert capabilities == {
        name: "0000000000000000" for name in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")
    }, outcome.stderr


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_program_runs_with_no_new_privs_and_a_seccomp_filter(run, runtime):
    outcome = run(SHOW_IDENTITY[runtime], runtime)

    fields = status_fields(outcome.stdout)
    assert fields["NoNewPrivs"].strip() == "1", outcome.stderr
    assert fields["Seccomp"].strip() == "2"
