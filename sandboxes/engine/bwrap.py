"""The command line that starts one program under bubblewrap.

The server (root) runs a tiny shell that puts itself into the run's cgroups and sets
rlimits, then `setpriv` drops to the unprivileged sandbox user, and bubblewrap builds
the sandbox as that user: a uid that is nobody on the host, even to /proc/sys.
"""

from __future__ import annotations

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

# Runs as root for a millisecond: join the run's cgroups, set rlimits, hand over. The CPU
# rlimit is a per-process backstop (SIGXCPU at the soft limit); the runner enforces the
# run's total CPU time through the cgroup. The shell's own PWD must not reach the sandbox.
ENTER_CGROUPS_AND_EXEC = (
    'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; '
    'ulimit -n "$1" && ulimit -c 0 && ulimit -S -t "$2" && ulimit -H -t $(($2 + 1)) || exit 125; '
    'shift 2; unset PWD OLDPWD; exec "$@"'
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


def bwrap_command(
    *,
    bwrap: str,
    setpriv: str,
    uid: int,
    gid: int,
    procs_files: Sequence[Path],
    open_files: int,
    cpu_seconds: int,
    runtime: Runtime,
    workspace: Path,
    tmp: Path,
    shm: Path,
    etc_dir: Path,
    program: Sequence[str],
    env: Mapping[str, str],
    seccomp_fd: int,
    status_fd: int,
) -> list[str]:
    args = [
        "/bin/sh", "-c", ENTER_CGROUPS_AND_EXEC, "sh",
        str(len(procs_files)), *map(str, procs_files), str(open_files), str(cpu_seconds),
        setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--no-new-privs",
        "--inh-caps=-all", "--bounding-set=-all", "--",
        bwrap,
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
    args += ["--seccomp", str(seccomp_fd), "--json-status-fd", str(status_fd), "--", *program]
    return args
