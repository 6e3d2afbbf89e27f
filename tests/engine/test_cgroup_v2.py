"""The engine's cgroup v2 decisions, against a folder modelling /proc and /sys/fs/cgroup:
systemd's stock controllers (no cpu below the root), a delegated unit, restarts, leftovers
of a dead engine, and the refusal's words. No sandbox runs; the host's cgroups are untouched.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sandboxes.engine import EngineUnavailable, Limits
from sandboxes.engine.cgroups import Cgroups

ALL = "cpuset cpu io memory hugetlb pids rdma misc"
MOUNTINFO = (
    "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - "
    "cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
)
ME = os.getpid()
MY_CHILD = 2_000_001  # a process the server started (its PPid is the server)
STRANGER = 2_000_002  # e.g. the login shell: not started by the server


class FakeHost:
    """/proc and /sys/fs/cgroup as files under `root`, as systemd leaves them at boot."""

    def __init__(self, root: Path, *, systemd: bool = True) -> None:
        self.root = root
        self.cgroup = root / "sys/fs/cgroup"
        (root / "proc/self").mkdir(parents=True)
        (root / "proc/self/mountinfo").write_text(MOUNTINFO)
        for pid, parent in ((ME, 1), (MY_CHILD, ME), (STRANGER, 1)):
            (root / f"proc/{pid}").mkdir()
            (root / f"proc/{pid}/status").write_text(f"Name:\tx\nPid:\t{pid}\nPPid:\t{parent}\n")
        if systemd:
            (root / "run/systemd/system").mkdir(parents=True)
        # The root cgroup has every controller (and no cgroup.type); systemd hands only
        # memory and pids down to its slices unless a unit asks for more.
        self.make("/", controllers=ALL, subtree="memory pids")
        for slice_ in ("/system.slice", "/user.slice", "/user.slice/user-0.slice"):
            self.make(slice_, controllers="memory pids", subtree="memory pids")

    def make(self, path: str, *, controllers: str, subtree: str = "", procs=()) -> Path:
        group = self.cgroup / path.lstrip("/")
        group.mkdir(parents=True, exist_ok=True)
        (group / "cgroup.controllers").write_text(controllers + "\n")
        (group / "cgroup.subtree_control").write_text(subtree + "\n")
        (group / "cgroup.procs").write_text("".join(f"{pid}\n" for pid in procs))
        if path != "/":
            (group / "cgroup.type").write_text("domain\n")
        return group

    def run_in(self, path: str) -> None:
        (self.root / "proc/self/cgroup").write_text(f"0::{path}\n")

    def delegated_service(self, *, procs=(ME,)) -> Path:
        """A unit with Delegate=yes: systemd enabled cpu in its parent for it."""
        (self.cgroup / "system.slice/cgroup.subtree_control").write_text("cpu memory pids\n")
        self.run_in("/system.slice/codesandboxes.service")
        return self.make(
            "/system.slice/codesandboxes.service", controllers="cpu memory pids", procs=procs
        )

    def cgroups(self) -> Cgroups:
        return Cgroups("codesandboxes", root=self.root, pid=ME)

    def created(self) -> list[str]:
        return sorted(
            str(path.relative_to(self.cgroup))
            for path in self.cgroup.rglob("*")
            if path.is_dir() and path.name in ("server", "codesandboxes")
        )


@pytest.fixture
def host(tmp_path) -> FakeHost:
    return FakeHost(tmp_path)


def test_a_root_shell_on_stock_systemd_is_refused_naming_cpu_and_how_to_delegate(host):
    session = "/user.slice/user-0.slice/session-3.scope"
    host.make(session, controllers="memory pids", procs=(STRANGER, ME))
    host.run_in(session)

    with pytest.raises(EngineUnavailable) as refused:
        host.cgroups()

    message = str(refused.value)
    assert f"cpu controller is not delegated to the server's cgroup {session}" in message
    assert "(it has: memory pids)" in message
    assert "Delegate=yes" in message
    assert "systemd-run --scope -p Delegate=yes" in message
    assert "docs/deployment.md" in message
    assert "or root" not in message and "scripts/setup" not in message
    assert "codesandboxes (" not in message  # never a path the engine failed to create
    assert host.created() == []


def test_without_systemd_the_refusal_says_what_to_write_into_the_parent(tmp_path):
    host = FakeHost(tmp_path, systemd=False)
    host.make("/lxc.payload", controllers="memory pids", subtree="memory pids")
    host.make("/lxc.payload/app", controllers="pids", procs=(ME,))
    host.run_in("/lxc.payload/app")

    with pytest.raises(EngineUnavailable) as refused:
        host.cgroups()

    message = str(refused.value)
    assert "cpu and memory controllers are not delegated" in message
    assert f"echo '+cpu +memory' > {host.cgroup}/lxc.payload/cgroup.subtree_control" in message
    assert "Delegate=yes" not in message
    assert host.created() == []


def test_a_delegated_service_gets_a_leaf_for_itself_and_its_runs_beside_it(host):
    service = host.delegated_service(procs=(ME, MY_CHILD))

    cgroups = host.cgroups()

    assert cgroups.version == 2
    assert cgroups.bases == {"": service / "codesandboxes"}
    assert (service / "cgroup.subtree_control").read_text() == "+cpu +memory +pids"
    assert (service / "codesandboxes/cgroup.subtree_control").read_text() == "+cpu +memory +pids"
    # Only the server and what it started moved into the leaf (the model keeps the last).
    assert (service / "server/cgroup.procs").read_text() in (str(ME), str(MY_CHILD))
    assert host.created() == [
        "system.slice/codesandboxes.service/codesandboxes",
        "system.slice/codesandboxes.service/server",
    ]


def test_a_process_the_server_did_not_start_is_never_moved_and_is_named(host):
    service = host.delegated_service(procs=(STRANGER, ME))

    with pytest.raises(EngineUnavailable) as refused:
        host.cgroups()

    message = str(refused.value)
    assert f"holds processes it did not start (pid {STRANGER})" in message
    assert "systemd-run --scope -p Delegate=yes" in message
    assert not (service / "server").exists()
    assert (service / "cgroup.subtree_control").read_text().split() == []


def test_a_restart_from_the_leaf_reuses_the_same_sub_hierarchy_instead_of_nesting(host):
    service = host.delegated_service()
    first = host.cgroups()
    # What the kernel shows afterwards: the server in the leaf, the controllers enabled.
    (service / "cgroup.subtree_control").write_text("cpu memory pids\n")
    host.make("/system.slice/codesandboxes.service/server", controllers="cpu memory pids")
    host.run_in("/system.slice/codesandboxes.service/server")

    second = host.cgroups()
    third = host.cgroups()

    assert first.bases == second.bases == third.bases == {"": service / "codesandboxes"}
    assert host.created() == [
        "system.slice/codesandboxes.service/codesandboxes",
        "system.slice/codesandboxes.service/server",
    ]


def test_leftover_runs_of_a_dead_engine_are_swept_and_live_ones_kept(host):
    service = host.delegated_service()
    dead = subprocess.Popen(["true"])
    dead.wait()
    base = service / "codesandboxes"
    base.mkdir()
    (base / f"run-{dead.pid}-0a1b2c").mkdir()
    (base / f"run-{ME}-3d4e5f").mkdir()

    removed = host.cgroups().remove_stale()

    assert removed == 1
    assert sorted(path.name for path in base.iterdir() if path.is_dir()) == [f"run-{ME}-3d4e5f"]


def test_the_root_cgroup_hands_controllers_down_without_a_leaf(host):
    host.run_in("/")
    (host.cgroup / "cgroup.procs").write_text(f"1\n{STRANGER}\n{ME}\n")

    cgroups = host.cgroups()

    assert cgroups.bases == {"": host.cgroup / "codesandboxes"}
    assert (host.cgroup / "cgroup.subtree_control").read_text() == "+cpu +memory +pids"
    assert not (host.cgroup / "server").exists()


def test_a_run_cgroup_gets_the_same_limits_and_reports_the_same_figures_as_on_v1(host):
    host.delegated_service()
    run = host.cgroups().create(f"{ME}-abc")
    limits = Limits(memory_bytes=128 << 20, max_processes=32, cpus=1.5)
    (run.path / "memory.swap.max").write_text("max\n")

    run.apply(limits)
    (run.path / "cpu.stat").write_text("usage_usec 2500000\nuser_usec 2000000\n")
    (run.path / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    (run.path / "memory.peak").write_text(f"{100 << 20}\n")
    usage = run.usage()

    assert (run.path / "memory.max").read_text() == str(128 << 20)
    assert (run.path / "memory.swap.max").read_text() == "0"
    assert (run.path / "pids.max").read_text() == "32"
    assert (run.path / "cpu.max").read_text() == "150000 100000"
    assert usage.cpu_seconds == 2.5
    assert usage.peak_memory_bytes == 100 << 20
    assert usage.oom_killed is True
