"""Per-run cgroups: memory, process count and CPU limits, usage, and killing a whole run.

Both cgroup versions are supported and detected at start-up. The engine only ever
creates its own sub-hierarchy (``<the server's own cgroup>/<name>/run-<id>``) and
never touches any other cgroup.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import EngineUnavailable
from .spec import Limits

CGROUP_ROOT = Path("/sys/fs/cgroup")
V1_CONTROLLERS = ("memory", "pids", "cpu", "cpuacct")
V2_CONTROLLERS = ("memory", "pids", "cpu")
CPU_PERIOD_US = 100_000


@dataclass(frozen=True)
class Usage:
    cpu_seconds: float
    peak_memory_bytes: int
    oom_killed: bool


def _own_cgroups() -> dict[str, str]:
    """Map each controller (and "" for cgroup v2) to this process's cgroup path."""
    paths: dict[str, str] = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    return paths


def _write(path: Path, value: str | int) -> None:
    path.write_text(str(value))


def _pids_in(procs_file: Path) -> list[int]:
    try:
        return [int(pid) for pid in procs_file.read_text().split()]
    except FileNotFoundError:
        return []


def _rmdir_when_empty(path: Path, procs_file: Path, deadline: float) -> None:
    while True:
        for pid in _pids_in(procs_file):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError as error:
            if error.errno != errno.EBUSY or time.monotonic() > deadline:
                raise
        time.sleep(0.01)


class RunCgroup:
    """The cgroup(s) of one run. ``procs_files`` are where the run's first process goes."""

    procs_files: list[Path]

    def attach(self, pid: int) -> None:
        """Move `pid` (and so everything it starts from now on) into the run's cgroups."""
        for procs in self.procs_files:
            _write(procs, pid)

    def apply(self, limits: Limits) -> None:
        raise NotImplementedError

    def usage(self) -> Usage:
        raise NotImplementedError

    def kill_all(self) -> None:
        raise NotImplementedError

    def remove(self) -> None:
        raise NotImplementedError


class V1RunCgroup(RunCgroup):
    def __init__(self, dirs: dict[str, Path]) -> None:
        self.dirs = dirs
        self.procs_files = [path / "cgroup.procs" for path in dirs.values()]

    def apply(self, limits: Limits) -> None:
        memory = self.dirs["memory"]
        _write(memory / "memory.limit_in_bytes", limits.memory_bytes)
        if (memory / "memory.memsw.limit_in_bytes").exists():
            _write(memory / "memory.memsw.limit_in_bytes", limits.memory_bytes)  # no swap
        _write(self.dirs["pids"] / "pids.max", limits.max_processes)
        _write(self.dirs["cpu"] / "cpu.cfs_period_us", CPU_PERIOD_US)
        _write(self.dirs["cpu"] / "cpu.cfs_quota_us", int(limits.cpus * CPU_PERIOD_US))

    def usage(self) -> Usage:
        memory = self.dirs["memory"]
        oom_control = dict(
            line.split() for line in (memory / "memory.oom_control").read_text().splitlines()
        )
        return Usage(
            cpu_seconds=int((self.dirs["cpuacct"] / "cpuacct.usage").read_text()) / 1e9,
            peak_memory_bytes=int((memory / "memory.max_usage_in_bytes").read_text()),
            oom_killed=int(oom_control.get("oom_kill", 0)) > 0,
        )

    def kill_all(self) -> None:
        deadline = time.monotonic() + 2
        pids_procs = self.dirs["pids"] / "cgroup.procs"
        while (pids := _pids_in(pids_procs)) and time.monotonic() < deadline:
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.005)

    def remove(self) -> None:
        deadline = time.monotonic() + 2
        for path in self.dirs.values():
            _rmdir_when_empty(path, path / "cgroup.procs", deadline)


class V2RunCgroup(RunCgroup):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.procs_files = [path / "cgroup.procs"]

    def apply(self, limits: Limits) -> None:
        _write(self.path / "memory.max", limits.memory_bytes)
        if (self.path / "memory.swap.max").exists():
            _write(self.path / "memory.swap.max", 0)
        _write(self.path / "pids.max", limits.max_processes)
        _write(self.path / "cpu.max", f"{int(limits.cpus * CPU_PERIOD_US)} {CPU_PERIOD_US}")

    def usage(self) -> Usage:
        cpu = dict(line.split() for line in (self.path / "cpu.stat").read_text().splitlines())
        events = dict(
            line.split() for line in (self.path / "memory.events").read_text().splitlines()
        )
        peak_file = self.path / "memory.peak"
        peak = int(peak_file.read_text()) if peak_file.exists() else 0
        return Usage(
            cpu_seconds=int(cpu["usage_usec"]) / 1e6,
            peak_memory_bytes=peak,
            oom_killed=int(events.get("oom_kill", 0)) > 0,
        )

    def kill_all(self) -> None:
        _write(self.path / "cgroup.kill", 1)
        deadline = time.monotonic() + 2
        while _pids_in(self.path / "cgroup.procs") and time.monotonic() < deadline:
            time.sleep(0.005)

    def remove(self) -> None:
        _rmdir_when_empty(self.path, self.path / "cgroup.procs", time.monotonic() + 2)


class Cgroups:
    """The engine's own sub-hierarchy, found (and created) once at start-up."""

    version: int

    def __init__(self, name: str) -> None:
        if not name.replace("-", "").replace("_", "").isalnum():
            raise EngineUnavailable(f"cgroup name {name!r} must be letters, digits, - and _")
        self.name = name
        own = _own_cgroups()
        v2_root = self._cgroup2_mount()
        if v2_root is not None:
            self.version = 2
            self._setup_v2(v2_root, own[""])
        else:
            self.version = 1
            self._setup_v1(own)

    @staticmethod
    def _cgroup2_mount() -> Path | None:
        """The cgroup2 mount to use, if it has the controllers we need; else None (v1)."""
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            fields = line.split(" - ")
            if len(fields) == 2 and fields[1].startswith("cgroup2 "):
                mount = Path(fields[0].split()[4])
                controllers = (mount / "cgroup.controllers").read_text().split()
                if all(c in controllers for c in V2_CONTROLLERS):
                    return mount
        return None

    def _setup_v1(self, own: dict[str, str]) -> None:
        self.bases: dict[str, Path] = {}
        for controller in V1_CONTROLLERS:
            mount = self._v1_mount(controller)
            if mount is None or controller not in own:
                raise EngineUnavailable(
                    f"the cgroup v1 '{controller}' controller is not mounted, and no cgroup v2 "
                    f"with memory, pids and cpu is available: limits cannot be enforced"
                )
            base = mount / own[controller].lstrip("/") / self.name
            try:
                base.mkdir(exist_ok=True)
            except OSError as error:
                raise EngineUnavailable(
                    f"cannot create the cgroup {base} ({error.strerror}): run the server as "
                    f"root, or on a cgroup v2 host with a delegated cgroup"
                ) from error
            self.bases[controller] = base

    @staticmethod
    def _v1_mount(controller: str) -> Path | None:
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            fields = line.split(" - ")
            if len(fields) == 2 and fields[1].startswith("cgroup "):
                options = fields[1].split()[2].split(",")
                if controller in options:
                    return Path(fields[0].split()[4])
        return None

    def _setup_v2(self, mount: Path, own: str) -> None:
        parent = mount / own.lstrip("/")
        base = parent / self.name
        wanted = " ".join(f"+{c}" for c in V2_CONTROLLERS)
        try:
            base.mkdir(exist_ok=True)
            try:
                _write(parent / "cgroup.subtree_control", wanted)
            except OSError as error:
                if error.errno != errno.EBUSY:
                    raise
                # "No internal processes": move the server's own cgroup members into a
                # leaf beside ours, then the parent may hand controllers down.
                leaf = parent / "server"
                leaf.mkdir(exist_ok=True)
                for pid in _pids_in(parent / "cgroup.procs"):
                    _write(leaf / "cgroup.procs", pid)
                _write(parent / "cgroup.subtree_control", wanted)
            _write(base / "cgroup.subtree_control", wanted)
        except OSError as error:
            raise EngineUnavailable(
                f"cannot set up the cgroup {base} ({error.strerror}): the server needs a "
                f"cgroup v2 subtree delegated to it (systemd Delegate=yes) or root"
            ) from error
        self.bases = {"": base}

    def create(self, run_id: str) -> RunCgroup:
        if self.version == 2:
            path = self.bases[""] / f"run-{run_id}"
            path.mkdir()
            return V2RunCgroup(path)
        dirs = {c: base / f"run-{run_id}" for c, base in self.bases.items()}
        for path in dirs.values():
            path.mkdir()
        return V1RunCgroup(dirs)

    def remove_stale(self) -> int:
        """Remove run cgroups whose engine process has died (killing what is left in them).

        Run names carry the engine's pid (``run-<pid>-<id>``), so a second engine on the
        same host (a `run_sandbox` command beside the server) never touches live runs.
        """
        removed = 0
        deadline = time.monotonic() + 5
        for base in self.bases.values():
            for path in base.glob("run-*"):
                if not owner_is_alive(path.name.removeprefix("run-")):
                    _rmdir_when_empty(path, path / "cgroup.procs", deadline)
                    removed += 1
        return removed


def owner_is_alive(run_id: str) -> bool:
    """Whether the engine process named in a run id (``<pid>-<random>``) still runs."""
    pid = run_id.split("-", 1)[0]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
