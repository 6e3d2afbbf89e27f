"""The default backend: bubblewrap as the sandbox user, a few milliseconds over the bare
interpreter. A launcher started ahead of the run (launcher.py) takes its arguments
(bwrap.py) and goes on; a run with network gets a launcher of its own that waits for it."""

from __future__ import annotations

import contextlib
import functools
import math
import os

from . import layout
from .backend import Backend, Host, Request, Started
from .bwrap import bwrap_arguments, launcher_command
from .launcher import LauncherPool
from .runner import Runner


class BubblewrapBackend(Backend):
    def __init__(self, host: Host, ready_launchers: int = 1) -> None:
        super().__init__(host)
        self.launchers = LauncherPool(
            host.cgroups,
            functools.partial(launcher_command, bwrap=host.config.bwrap),
            uid=host.uid,
            gid=host.gid,
            setpriv=host.config.setpriv,
            size=ready_launchers,
        )

    async def start(self, request: Request, cleanup: contextlib.ExitStack) -> Started:
        network, limits = request.network, request.spec.limits
        if network is not None:  # a launcher of its own, told to wait for its network
            launcher = await network.take_launcher(self.launchers, cleanup)
        else:
            launcher = await self.launchers.take()
        cleanup.callback(launcher.discard)
        host, scratch = self.host, self.host.config.scratch_dir
        workspace = await self._workspace(
            request, cleanup, scratch, launcher.run_id, (host.uid, host.gid)
        )
        cpus = self._confine(cleanup, launcher.cgroup, limits)
        with contextlib.suppress(ProcessLookupError):  # a launcher that died: the runner says
            # bubblewrap has started nothing yet: everything it starts inherits this.
            os.sched_setaffinity(launcher.process.pid, cpus)
        etc = layout.etc_dir(scratch)
        binds = self._binds(request, workspace, etc)
        if network is not None:
            binds.append(layout.Bind(etc / network.RESOLV_CONF, "/etc/resolv.conf"))
        arguments = bwrap_arguments(
            binds=binds,
            program=self._program(request),
            env=self._environment(request, cpus),
            open_files=limits.open_files,
            open_files_soft=limits.open_files_soft,
            # Per process, a backstop a second past the run's limit: the runner's check of
            # the cgroup's total should end the run first.
            cpu_seconds=math.ceil(limits.cpu_seconds) + 1,
            seccomp_fd=launcher.seccomp_fd,
            status_fd=launcher.status_fd,
        )
        launcher.release([*arguments, *(network.bwrap_arguments() if network else [])])
        status_pipe = await launcher.take_status_pipe()
        runner = Runner(
            launcher.process, status_pipe, launcher.cgroup, limits, request.on_output,
            self._cancelled(request), network=network,
        )  # fmt: skip
        await runner.wait_started()
        if network is not None:
            await network.start(runner.child_pid)  # the program starts only now
        else:
            self.launchers.refill()
        return Started(runner, workspace)

    def close(self) -> None:
        self.launchers.discard()

    async def aclose(self) -> None:
        """Waits for a launcher still being started, so nothing is left half-made."""
        await self.launchers.aclose()
