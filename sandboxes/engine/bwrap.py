"""The command line that starts one program under bubblewrap.

bubblewrap runs as the unprivileged sandbox user (a uid that is nobody on the host, even
to /proc/sys) and is started before its run is known (see launcher.py): it waits for its
arguments on a pipe (`--args FD`), and the run's program reaches its command stub as a
quoted variable, because bubblewrap takes a command only from its real command line.
"""

from __future__ import annotations

import functools
import resource
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

from .layout import SANDBOX_UID, WORKDIR, Bind, symlinks

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
    'ulimit -S -n "$2" && ulimit -H -n "$1" && ulimit -c 0 && ulimit -S -t "$3" '
    "&& ulimit -H -t $(($3 + 1)) || exit 125; "
    'eval "exec $program"'
)


@functools.cache
def merged_usr_links() -> tuple[str, ...]:
    """/bin, /lib... as the host has them: symlinks into /usr (Debian) or folders. Read
    once a process: a host does not change its layout under a running server."""
    args: list[str] = []
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = Path("/") / name
        if host.is_symlink():
            args += ["--symlink", str(host.readlink()), str(host)]
        elif host.is_dir():
            args += ["--ro-bind", str(host), str(host)]
    return tuple(args)


def launcher_command(*, bwrap: str, args_fd: int) -> list[str]:
    """The part known before the run: bubblewrap, reading the rest from `args_fd`."""
    return [bwrap, "--args", str(args_fd), "--", "/bin/sh", "-c", EXEC_PROGRAM]


def bwrap_arguments(
    *,
    binds: Sequence[Bind],
    program: Sequence[str],
    env: Mapping[str, str],
    open_files: int,
    open_files_soft: int,
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
        "--proc", "/proc", "--dev", "/dev",
        *merged_usr_links(),
    ]  # fmt: skip
    for bind in binds:
        args += ["--bind" if bind.writable else "--ro-bind", str(bind.source), bind.destination]
    for destination, target in symlinks().items():
        args += ["--symlink", target, destination]
    # The root and /dev (bubblewrap's own tmpfs) are made read-only last.
    args += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", WORKDIR, "--clearenv"]
    for name, value in env.items():
        args += ["--setenv", name, value]
    args += ["--setenv", PROGRAM_VARIABLE, shlex.join(program)]
    # bubblewrap inherits the server's hard limit and cannot go above it.
    server_hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if server_hard != resource.RLIM_INFINITY:
        open_files = min(open_files, server_hard)
        open_files_soft = min(open_files_soft, server_hard)
    args += ["--setenv", LIMITS_VARIABLE, f"{open_files} {open_files_soft} {cpu_seconds}"]
    args += ["--seccomp", str(seccomp_fd), "--json-status-fd", str(status_fd)]
    return args
