"""The OCI bundle and command line that start one program under gVisor (`runsc`).

gVisor is the stronger, slower backend: the program's system calls are served by gVisor's
own kernel (the sentry, itself confined by runsc), never by the host's. The container sees
what a bubblewrap run sees: read-only /usr, the same few /etc files, the runtime, and the
run's workspace and /tmp.

runsc runs as root (it confines its sentry and gofer itself); the program runs as uid 1000.
This gVisor release cannot map user ids, so a gVisor run's tmpfs belongs to uid 1000 on the
host too — which may be a real person there. Everything therefore lives under a root-only
folder that no other host user can traverse:

    <scratch>/gvisor/rootfs-<v>        the container's root: read-only, empty but for mount
                                       points and the merged-/usr and /etc/localtime
                                       symlinks; built once (v: layout.LAYOUT_VERSION)
    <scratch>/gvisor/etc-<v>           the generated /etc files (see layout.py)
    <scratch>/gvisor/runs/<id>/fs      the run's size-limited tmpfs (see workspace.py)
    <scratch>/gvisor/containers/<id>   the bundle (config.json), runsc's state and log;
                                       removed after every run
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import seccomp
from .cgroups import owner_is_alive
from .cpus import cpu_list
from .layout import (
    GVISOR_ETC_FILES,
    HOST_ETC_FILES,
    LAYOUT_VERSION,
    LOCALTIME,
    PACKAGE_MOUNT_POINTS,
    SANDBOX_UID,
    WORKDIR,
    Bind,
    symlinks,
    write_etc,
)
from .runtimes import Runtime
from .spec import Limits
from .workspace import remove_stale_workspaces

# ptrace works on any host, nested VMs included; kvm where it works (gvisor_platform.py).
# runsc exits with 128 when it fails itself; a program's death by signal N is 128 + N.
RUNSC_FAILED = 128
# runsc's own host threads count as tasks in the run's cgroup: ~80 for a hello world, and
# the ptrace platform adds a stub process with several threads (~8 on a 2-CPU host) for
# every process of the program. The program's own limit is enforced inside (config.json).
RUNSC_BASE_TASKS = 256
RUNSC_TASKS_PER_PROCESS = 16
# Runs as root for a millisecond, as for bubblewrap: join the run's cgroups (runsc's sentry
# and gofer inherit them), no core dumps, descriptors for runsc, no host variable, hand over.
# The program's own rlimits are in config.json, where the sentry applies them.
ENTER_CGROUPS_AND_EXEC = (
    'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; '
    'ulimit -c 0 && ulimit -n "$1" || exit 125; shift; unset PWD OLDPWD; exec "$@"'
)
SYSTEM_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")


def gvisor_dir(scratch: Path) -> Path:
    return scratch / "gvisor"


def etc_dir(scratch: Path) -> Path:
    """gVisor's generated /etc files: its passwd names root and nobody (mapped there)."""
    return gvisor_dir(scratch) / f"etc-{LAYOUT_VERSION}"


def rootfs_dir(scratch: Path) -> Path:
    return gvisor_dir(scratch) / f"rootfs-{LAYOUT_VERSION}"


def prepare(scratch: Path, runtimes: Iterable[Runtime]) -> None:
    """Create the root-only gVisor folder and the shared rootfs; clean what dead engines left."""
    base = gvisor_dir(scratch)
    base.mkdir(mode=0o700, exist_ok=True)
    os.chmod(base, 0o700)
    remove_stale_workspaces(base)
    write_etc(etc_dir(scratch), GVISOR_ETC_FILES)
    containers = base / "containers"
    containers.mkdir(mode=0o700, exist_ok=True)
    for container in containers.iterdir():
        if not owner_is_alive(container.name):
            shutil.rmtree(container, ignore_errors=True)
    _build_rootfs(rootfs_dir(scratch), runtimes)


def host_limits(limits: Limits) -> Limits:
    """The run's cgroup limits: the program's, but with room for runsc's own threads."""
    tasks = RUNSC_BASE_TASKS + RUNSC_TASKS_PER_PROCESS * limits.max_processes
    return dataclasses.replace(limits, max_processes=tasks)


def _build_rootfs(rootfs: Path, runtimes: Iterable[Runtime]) -> None:
    """Mount points exist before any run, so runsc never writes into the shared rootfs.

    Only ever adds: another engine on this host may be running containers on it.
    """
    rootfs.mkdir(mode=0o755, exist_ok=True)
    for name in SYSTEM_LINKS:
        host, link = Path("/") / name, rootfs / name
        if host.is_symlink() and not link.is_symlink():
            link.symlink_to(host.readlink())
    folders = ["proc", "dev/shm", "sys", "usr", "tmp", WORKDIR, "etc", *PACKAGE_MOUNT_POINTS]
    folders += [path for path in HOST_ETC_FILES if Path(path).is_dir()]
    folders += [str(runtime.root) for runtime in runtimes if runtime.needs_mount]
    for folder in folders:
        (rootfs / folder.lstrip("/")).mkdir(mode=0o755, parents=True, exist_ok=True)
    files = [f"/etc/{name}" for name in GVISOR_ETC_FILES]
    files += [path for path in (*HOST_ETC_FILES, LOCALTIME) if Path(path).is_file()]
    links = symlinks()
    for file in files:
        if file not in links:
            (rootfs / file.lstrip("/")).touch(mode=0o644, exist_ok=True)
    for destination, target in links.items():
        link = rootfs / destination.lstrip("/")
        if not link.is_symlink() or str(link.readlink()) != target:
            # Replaced in one step: a running container may hold the old mount point.
            fresh = link.with_name(f".{link.name}.new")
            fresh.unlink(missing_ok=True)
            fresh.symlink_to(target)
            os.replace(fresh, link)


def _mounts(binds: Sequence[Bind]) -> list[dict]:
    """The same view as bubblewrap's (gVisor adds its own /sys, which is synthetic). The
    root is read-only; /dev is gVisor's own, root-owned (the program cannot create files
    in it), and writable, because gVisor refuses to open /dev/null for writing on a
    read-only /dev."""
    mounts = [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs"},
    ]
    for bind in binds:
        mounts.append(
            {
                "destination": bind.destination,
                "type": "bind",
                "source": str(bind.source),
                "options": ["rbind", "rw" if bind.writable else "ro"],
            }
        )
    return mounts


def _seccomp() -> dict:
    """seccomp.py's filter in OCI form, applied by the sentry to the program.

    This runsc ignores "errnoRet" and always answers EPERM, so clone3 is left to gVisor,
    which answers ENOSYS itself (glibc then falls back to clone, checked below; an EPERM
    would break every thread start). io_uring is denied like the rest.
    """
    denied = [*seccomp.DENIED, *(name for name in seccomp.NOT_IMPLEMENTED if name != "clone3")]
    rules: list[dict[str, Any]] = [{"names": denied, "action": "SCMP_ACT_ERRNO"}]
    for flag in (
        seccomp.CLONE_NEWUSER,
        seccomp.CLONE_NEWNS,
        seccomp.CLONE_NEWNET,
        seccomp.CLONE_NEWPID,
        seccomp.CLONE_NEWCGROUP,
    ):
        rules.append(_deny_when("unshare", "clone", index=0, mask=flag, value=flag))
    for request in (seccomp.TIOCSTI, seccomp.TIOCLINUX):
        rules.append(_deny_when("ioctl", index=1, mask=0xFFFFFFFF, value=request))
    return {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": rules}


def _deny_when(*names: str, index: int, mask: int, value: int) -> dict[str, Any]:
    """Deny `names` when (argument `index` & mask) == value."""
    condition = {"index": index, "value": mask, "valueTwo": value, "op": "SCMP_CMP_MASKED_EQ"}
    return {"names": list(names), "action": "SCMP_ACT_ERRNO", "args": [condition]}


def oci_config(
    *,
    rootfs: Path,
    binds: Sequence[Bind],
    program: Sequence[str],
    env: Mapping[str, str],
    open_files: int,
    open_files_soft: int,
    cpu_seconds: int,
    max_processes: int,
) -> dict:
    """The container: the program as uid 1000, no capabilities, its own namespaces."""
    no_capabilities: dict[str, list[str]] = {
        kind: [] for kind in ("bounding", "effective", "inheritable", "permitted", "ambient")
    }
    return {
        "ociVersion": "1.0.2",
        "process": {
            "terminal": False,
            "user": {"uid": SANDBOX_UID, "gid": SANDBOX_UID, "additionalGids": []},
            "args": list(program),
            "env": [f"{name}={value}" for name, value in env.items()],
            "cwd": WORKDIR,
            "capabilities": no_capabilities,
            "noNewPrivileges": True,
            "rlimits": [
                {"type": "RLIMIT_NOFILE", "soft": open_files_soft, "hard": open_files},
                {"type": "RLIMIT_CORE", "soft": 0, "hard": 0},
                # A per-process backstop a second late: the runner stops the run at the
                # limit, counted over the whole cgroup, and reports it as timed out.
                {"type": "RLIMIT_CPU", "soft": cpu_seconds + 1, "hard": cpu_seconds + 2},
                # The sentry counts the program's processes and threads here (all of them
                # are uid 1000, and only this run's): the cgroup limit bubblewrap relies on.
                # (This runsc ignores linux.resources.pids.)
                {"type": "RLIMIT_NPROC", "soft": max_processes, "hard": max_processes},
            ],
        },
        "root": {"path": str(rootfs), "readonly": True},
        "hostname": "sandbox",
        "mounts": _mounts(binds),
        "linux": {
            "namespaces": [{"type": kind} for kind in ("pid", "network", "ipc", "uts", "mount")],
            "seccomp": _seccomp(),
        },
    }


def _runsc_open_files() -> str:
    """All the server may have: the sentry and the gofer hold host descriptors for each file
    the program opens, far more than the program's own limit (gVisor asks for 1M)."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return "unlimited" if hard == resource.RLIM_INFINITY else str(hard)


class Container:
    """One run's bundle, runsc state and runsc log: ``<scratch>/gvisor/containers/<run id>``.

    Each run gets its own runsc state folder, so removing the folder is all the clean-up a
    run (or a dead engine's run) needs once its processes are gone.
    """

    def __init__(self, scratch: Path, run_id: str) -> None:
        self.id = run_id
        self.rootfs = rootfs_dir(scratch)
        self.dir = gvisor_dir(scratch) / "containers" / run_id
        self.state = self.dir / "state"
        self.log = self.dir / "runsc.log"

    def create(self, config: dict) -> None:
        self.dir.mkdir(mode=0o700)
        (self.dir / "config.json").write_text(json.dumps(config))

    def command(
        self,
        *,
        runsc: str,
        setpriv: str,
        procs_files: Sequence[Path],
        platform: str = "ptrace",
        cpus: Iterable[int] = (),
        taskset: str = "/usr/bin/taskset",
    ) -> list[str]:
        """A root shell joins the run's cgroups (runsc's sentry and gofer inherit them),
        then becomes runsc; cgroup limits, usage and kill_all work as for bubblewrap.
        With `cpus`, all of it runs on those CPUs from its start (the sentry gives the
        program as many as it has itself).

        runsc dies with the engine, as bubblewrap does (--die-with-parent), and its sentry
        and gofer with it (runsc starts them "attached").
        """
        pinned = [taskset, "--cpu-list", cpu_list(cpus)] if cpus else []
        return [
            *pinned,
            "/bin/sh", "-c", ENTER_CGROUPS_AND_EXEC, "sh",
            str(len(procs_files)), *map(str, procs_files), _runsc_open_files(),
            setpriv, "--pdeathsig", "KILL", "--",
            runsc,
            "--root", str(self.state),
            "--log", str(self.log), "--log-format", "json",
            "--platform", platform,
            "--network", "none",
            "--host-uds", "none",
            "--host-fifo", "none",
            "--ignore-cgroups",
            "--oci-seccomp",
            "run", "--bundle", str(self.dir), self.id,
        ]  # fmt: skip

    def failure(self, exit_code: int | None) -> str | None:
        """Why runsc itself failed, if it did: its log says so, or it never started."""
        try:
            lines = self.log.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            # runsc creates its log first thing: the root shell before it failed.
            return f"runsc did not start (exit status {exit_code})"
        if exit_code != RUNSC_FAILED:
            return None
        errors = []
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get("level") in ("error", "fatal"):
                errors.append(str(entry.get("msg", "")))
        return "; ".join(errors) or None

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
