"""The command line that starts one program under bubblewrap.

bubblewrap runs as the unprivileged sandbox user (a uid that is nobody on the host, even
to /proc/sys) and is started before its run is known (see launcher.py): it waits for its
arguments on a pipe (`--args FD`), and the run's program reaches its command stub as a
quoted variable, because bubblewrap takes a command only from its real command line.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

from .runtimes import Runtime

SANDBOX_UID = 1000
HOME = "/tmp"
WORKDIR = "/workspace"
HOST_ETC_FILES = ("/etc/ssl", "/etc/ca-certificates", "/etc/localtime", "/etc/ld.so.cache")
GENERATED_ETC_FILES = {
    "passwd": f"sandbox:x:{SANDBOX_UID}:{SANDBOX_UID}:sandbox:{HOME}:/usr/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    "group": f"sandbox:x:{SANDBOX_UID}:\nnogroup:x:65534:\n",
    "hosts": "127.0.0.1 localhost sandbox\n::1 localhost sandbox\n",
    "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files dns\n",
}

# The command stub, run inside the sandbox: take the run's rlimits and program from two
# variables (bubblewrap takes a command only from its real command line, and the launcher
# started before the run was known), drop the variables, set the limits, run the program.
# The CPU rlimit is a per-process backstop (SIGXCPU at the soft limit); the runner
# enforces the run's total CPU time through the cgroup.
PROGRAM_VARIABLE = "CODESANDBOXES_PROGRAM"
LIMITS_VARIABLE = "CODESANDBOXES_LIMITS"
EXEC_PROGRAM = (
    f"set -- ${LIMITS_VARIABLE}; program=${PROGRAM_VARIABLE}; "
    f"unset {LIMITS_VARIABLE} {PROGRAM_VARIABLE}; "
    'ulimit -n "$1" && ulimit -c 0 && ulimit -S -t "$2" && ulimit -H -t $(($2 + 1)) || exit 125; '
    'eval "exec $program"'
)


def system_mounts() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = Path("/") / name
        if host.is_symlink():
            args += ["--symlink", str(host.readlink()), str(host)]
        elif host.is_dir():
            args += ["--ro-bind", str(host), str(host)]
    for path in HOST_ETC_FILES:
        args += ["--ro-bind-try", path, path]
    return args


def sandbox_environment(runtime: Runtime, user_env: Mapping[str, str]) -> dict[str, str]:
    return {
        "PATH": f"{runtime.executable.parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": HOME,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "USER": "sandbox",
        **runtime.environment(),
        **user_env,
    }


def launcher_command(*, bwrap: str, args_fd: int) -> list[str]:
    """The part known before the run: bubblewrap, reading the rest from `args_fd`."""
    return [bwrap, "--args", str(args_fd), "--", "/bin/sh", "-c", EXEC_PROGRAM]


def bwrap_arguments(
    *,
    runtime: Runtime,
    workspace: Path,
    tmp: Path,
    shm: Path,
    etc_dir: Path,
    program: Sequence[str],
    env: Mapping[str, str],
    open_files: int,
    cpu_seconds: int,
    seccomp_fd: int,
    status_fd: int,
) -> list[str]:
    """bubblewrap's arguments for one run (read from the --args pipe)."""
    args = [
        "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc",
        "--unshare-uts", "--unshare-cgroup", "--disable-userns",
        "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--hostname", "sandbox",
        "--die-with-parent", "--new-session", "--cap-drop", "ALL",
        *system_mounts(),
        "--proc", "/proc", "--dev", "/dev",
    ]  # fmt: skip
    for name in GENERATED_ETC_FILES:
        args += ["--ro-bind", str(etc_dir / name), f"/etc/{name}"]
    if runtime.needs_mount:
        args += ["--ro-bind", str(runtime.root), str(runtime.root)]
    # Everything writable lives in the run's size-limited tmpfs: the workspace, /tmp and
    # /dev/shm. The rest, the root and /dev included, is made read-only last.
    args += [
        "--bind", str(workspace), WORKDIR,
        "--bind", str(tmp), "/tmp",
        "--bind", str(shm), "/dev/shm",
        "--remount-ro", "/dev",
        "--remount-ro", "/",
        "--chdir", WORKDIR,
        "--clearenv",
    ]  # fmt: skip
    for name, value in env.items():
        args += ["--setenv", name, value]
    args += ["--setenv", PROGRAM_VARIABLE, shlex.join(program)]
    args += ["--setenv", LIMITS_VARIABLE, f"{open_files} {cpu_seconds}"]
    args += ["--seccomp", str(seccomp_fd), "--json-status-fd", str(status_fd)]
    return args
