"""A program runs unprivileged: no root, no capabilities, nothing of the system writable."""

from __future__ import annotations

import json
import os
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
ATTACKS_WITH_NETWORK = True  # each case also with network `internet` (conftest.py)

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
    "python": "import time\nprint('ready', flush=True)\ntime.sleep(60)\n",
    "node": "console.log('ready');\nsetTimeout(() => {}, 60000);\n",
}


# gVisor's sentry and the ptrace stubs that run the program's code are "nobody" on the host.
GVISOR_SENTRY_UID = 65534


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_program_runs_as_the_unprivileged_sandbox_user_on_the_host(engine, isolation, runtime):
    marker = unique_marker()
    seen_from_host: list[tuple[list[str], str]] = []
    cancel = CancelToken()

    def on_output(stream: str, data: bytes) -> None:
        if b"ready" in data:  # the program waits now: look at it from the host
            if isolation == "gvisor":
                seen_from_host.extend(gvisor_program_host_ids())
            else:
                seen_from_host.extend(host_ids(marker))
            cancel.cancel()

    spec = make_spec(
        SAY_READY_AND_WAIT[runtime],
        runtime,
        argv=(marker,),
        isolation=isolation,
        timeout_seconds=60,
    )
    engine.run_sync(spec, on_output, cancel)

    assert seen_from_host, "the program's process was not found on the host"
    if isolation == "gvisor":
        # gVisor: no host process is the program; its code runs in the sentry's ptrace stubs,
        # which run as nobody in a user namespace of their own (one uid mapped).
        for uid_line, user_namespace in seen_from_host:
            assert set(uid_line) == {str(GVISOR_SENTRY_UID)}
            assert user_namespace != os.readlink("/proc/self/ns/user")
    else:
        for uid_line, _ in seen_from_host:
            assert set(uid_line) == {str(engine.uid)}


def uid_and_user_namespace(pid: str) -> tuple[list[str], str]:
    """The real, effective, saved and fs uids of a host process, and its user namespace."""
    status = Path(f"/proc/{pid}/status").read_text()
    uids = next(row.split()[1:] for row in status.splitlines() if row.startswith("Uid:"))
    return uids, os.readlink(f"/proc/{pid}/ns/user")


def host_ids(marker: str) -> list[tuple[list[str], str]]:
    """The uids and user namespace of the host processes running `marker`."""
    return [uid_and_user_namespace(line.split(":", 1)[0]) for line in host_processes_with(marker)]


def gvisor_program_host_ids() -> list[tuple[list[str], str]]:
    """The same for this engine's gVisor runs' host processes but runsc and its gofer (root
    by gVisor's design, they serve the sentry): the sentry and its ptrace stubs."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            in_a_run = f"/run-{os.getpid()}-" in (entry / "cgroup").read_text()
            program = (entry / "cmdline").read_bytes().split(b"\0")[0]
            if in_a_run and Path(program.decode()).name not in ("runsc", "runsc-gofer"):
                found.append(uid_and_user_namespace(entry.name))
        except OSError:
            continue  # ended meanwhile
    return found


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_program_has_no_capability_at_all(run, isolation, runtime):
    outcome = run(SHOW_IDENTITY[runtime], runtime)

    fields = status_fields(outcome.stdout)
    capabilities = {name: fields[name].strip() for name in fields if name.startswith("Cap")}
    sets = ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"]
    if isolation == "gvisor":
        sets.remove("CapAmb")  # gVisor has no ambient set: no line, prctl(PR_CAP_AMBIENT) EINVAL
    assert capabilities == dict.fromkeys(sets, "0000000000000000"), outcome.stderr


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_program_runs_with_no_new_privs_and_a_seccomp_filter(run, isolation, runtime):
    outcome = run(SHOW_IDENTITY[runtime], runtime)

    fields = status_fields(outcome.stdout)
    expected = {"NoNewPrivs": "1", "Seccomp": "2"}
    if isolation == "gvisor":
        # gVisor's /proc/<pid>/status has no NoNewPrivs line; the next test asks prctl.
        del expected["NoNewPrivs"]
    assert {name: fields.get(name, "").strip() for name in expected} == expected, outcome.stderr


ASK_PRCTL = """\
import ctypes

libc = ctypes.CDLL(None, use_errno=True)
print("no_new_privs", libc.prctl(39, 0, 0, 0, 0))  # PR_GET_NO_NEW_PRIVS
print("seccomp", libc.prctl(21, 0, 0, 0, 0))  # PR_GET_SECCOMP: 2 is a filter
"""


def test_the_kernel_reports_no_new_privs_and_a_seccomp_filter_through_prctl(run):
    outcome = run(ASK_PRCTL)

    assert outcome.stdout == "no_new_privs 1\nseccomp 2\n", outcome.stderr
