"""Per-run cgroups: memory, process count and CPU limits, usage, and killing a whole run.

Both cgroup versions are supported and detected at start-up. The engine only ever
creates its own sub-hierarchy and never touches any other cgroup: on v1
``<the server's own cgroup>/<name>/run-<id>`` in each controller's hierarchy, on v2
``<the cgroup delegated to the server>/<name>/run-<id>`` (see cgroup_v2.py).
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from . import cgroup_v2
from .errors import EngineUnavailable
from .spec import Limits

V1_CONTROLLERS = ("memory", "pids", "cpu", "cpuacct")
CPU_PERIOD_US = 100_000
# A run's share of contended CPU time among runs grows with its vCPUs (the kernel's
# defaults, 1024 and 100, are one vCPU's).
V1_SHARES_PER_VCPU = 1024
V2_WEIGHT_PER_VCPU = 100
V2_WEIGHT_MAX = 10_000


def _vcpus(limits: Limits) -> int:
    return max(1, math.ceil(limits.cpus))


@dataclass(frozen=True)
class Usage:
    cpu_seconds: float
    peak_memory_bytes: int
    oom_killed: bool


def _own_cgroups(root: Path) -> dict[str, str]:
    """Map each controller (and "" for cgroup v2) to this process's cgroup path."""
    paths: dict[str, str] = {}
    for line in (root / "proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    return paths


def _write(path: Path, value: str | int) -> None:
    path.write_text(str(value))


def _pids_in(procs_file: Path) -> list[int]:
    """The pids in a cgroup; none once it is gone, even if another engine removed it
    while this one was reading (the kernel answers ENODEV then)."""
    try:
        return [int(pid) for pid in procs_file.read_text().split()]
    except FileNotFoundError:
        return []
    except OSError as error:
        if error.errno == errno.ENODEV:
            return []
        raise


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
        _write(self.dirs["cpu"] / "cpu.shares", V1_SHARES_PER_VCPU * _vcpus(limits))

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
        weight = min(V2_WEIGHT_MAX, V2_WEIGHT_PER_VCPU * _vcpus(limits))
        _write(self.path / "cpu.weight", weight)

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
    """The engine's own sub-hierarchy, found (and created) once at start-up.

    `root` is where /proc and /sys/fs/cgroup are read ("/"; a model of them in tests),
    `pid` the server process whose cgroup is used.
    """

    version: int

    def __init__(self, name: str, *, root: Path = Path("/"), pid: int | None = None) -> None:
        if not name.replace("-", "").replace("_", "").isalnum() or name == cgroup_v2.LEAF:
            raise EngineUnavailable(
                f"cgroup name {name!r} must be letters, digits, - and _ (and not "
                f"{cgroup_v2.LEAF!r})"
            )
        self.name = name
        self.root = root
        v2_mount = cgroup_v2.mount(root)
        if v2_mount is not None:
            self.version = 2
            own = cgroup_v2.own_path(root)
            given = cgroup_v2.delegated_cgroup(root, v2_mount, own, pid or os.getpid())
            self.bases = {"": self._make_base(given / name, v2=True)}
        else:
            self.version = 1
            self._setup_v1(_own_cgroups(root))

    def _make_base(self, base: Path, *, v2: bool) -> Path:
        try:
            base.mkdir(exist_ok=True)
            if v2:
                wanted = " ".join(f"+{c}" for c in cgroup_v2.CONTROLLERS)
                _write(base / "cgroup.subtree_control", wanted)
        except OSError as error:
            raise EngineUnavailable(
                f"cannot create the cgroup {base} ({error.strerror}): the server needs "
                + ("a cgroup delegated to it" if v2 else "root and the cgroup v1 hierarchies")
            ) from error
        return base

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
            self.bases[controller] = self._make_base(base, v2=False)

    def _v1_mount(self, controller: str) -> Path | None:
        for line in (self.root / "proc/self/mountinfo").read_text().splitlines():
            fields = line.split(" - ")
            if len(fields) == 2 and fields[1].startswith("cgroup "):
                options = fields[1].split()[2].split(",")
                if controller in options:
                    return self.root / fields[0].split()[4].lstrip("/")
        return None

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
