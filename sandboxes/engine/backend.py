"""What an isolation backend is to the engine, and what the two backends share.

The engine resolves a run (its runtime, package environment and network) and asks the
backend the run chose (RunSpec.isolation) to start it: bubblewrap (bwrap_backend.py) or
gVisor (gvisor_backend.py). Either way the program sees the same files (layout.py), in a
size-limited workspace of its own, inside the run's cgroups, and a Runner drives it to its
end.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path

from . import layout
from .cancel import CancelToken
from .cgroups import Cgroups, RunCgroup
from .config import EngineConfig
from .cpus import CpuSets
from .run_network import RunNetwork
from .runner import OutputCallback, Runner
from .runtimes import Runtime
from .spec import Limits, RunSpec
from .workspace import Workspace


@dataclass(frozen=True)
class Host:
    """What the engine's start-up found, shared by the backends."""

    config: EngineConfig
    uid: int  # the sandbox user every run executes as
    gid: int
    cgroups: Cgroups
    cpu_sets: CpuSets


@dataclass(frozen=True)
class Request:
    """One run for a backend to start: its spec, and what the engine resolved for it."""

    spec: RunSpec
    runtime: Runtime
    packages: Path | None  # its package environment, mounted read-only
    network: RunNetwork | None  # bubblewrap only: gVisor runs have no network
    on_output: OutputCallback | None
    cancel: CancelToken | None
    streamed_stdin: bool  # stdin stays open for what the caller sends while it runs


@dataclass(frozen=True)
class Started:
    runner: Runner  # drives the program to its end
    workspace: Workspace  # what it wrote, read once it ended


class Backend(abc.ABC):
    """One way to isolate a run, behind the engine's `run()`."""

    def __init__(self, host: Host) -> None:
        self.host = host

    @abc.abstractmethod
    async def start(self, request: Request, cleanup: contextlib.ExitStack) -> Started:
        """Start the program in a fresh sandbox. Everything made for it is undone by
        `cleanup`, which the engine closes once the run has ended (or failed to start)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Let go of what is kept ready for the next run, before its event loop ends."""

    async def aclose(self) -> None:
        """`close()` from the loop that ran sandboxes, while it still runs."""
        self.close()

    # --- shared by both backends -------------------------------------------------------

    async def _workspace(
        self,
        request: Request,
        cleanup: contextlib.ExitStack,
        folder: Path,
        run_id: str,
        owner: tuple[int, int],
    ) -> Workspace:
        """The run's filesystem under `folder`, owned by `owner` (uid, gid): whoever the
        program runs as."""
        workspace = Workspace(folder, run_id, uid=owner[0], gid=owner[1])
        cleanup.callback(workspace.remove)  # unmounted last, once nothing runs in it
        await asyncio.to_thread(
            workspace.create, dict(request.spec.files), disk_bytes=request.spec.limits.disk_bytes
        )
        return workspace

    def _confine(
        self, cleanup: contextlib.ExitStack, cgroup: RunCgroup, limits: Limits
    ) -> frozenset[int]:
        """Apply `limits` to the run's cgroup; on the way out, first every process of the
        run dies, then the cgroup goes. Returns the CPUs the run may use."""
        cleanup.callback(cgroup.remove)
        cleanup.callback(cgroup.kill_all)
        cgroup.apply(limits)
        return self.host.cpu_sets.take(limits.cpus)

    @staticmethod
    def _binds(request: Request, workspace: Workspace, etc_dir: Path) -> list[layout.Bind]:
        return layout.binds(
            runtime=request.runtime,
            workspace=workspace.workspace,
            tmp=workspace.tmp,
            shm=workspace.shm,
            etc_dir=etc_dir,
            packages=request.packages,
        )

    @staticmethod
    def _program(request: Request) -> list[str]:
        return request.runtime.command(request.spec.entry, request.spec.argv)

    @staticmethod
    def _environment(request: Request, cpus: frozenset[int]) -> dict[str, str]:
        return layout.environment(
            request.runtime,
            request.spec.env,
            packages=request.packages is not None,
            cpus=len(cpus),
        )

    @staticmethod
    def _cancelled(request: Request) -> asyncio.Event:
        return (request.cancel or CancelToken()).event()
