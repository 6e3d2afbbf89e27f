"""The stronger, slower backend: runsc, whose own kernel serves the program's system calls
(~0.3 s more to start). Its bundle and command line are in gvisor.py; its platform (kvm or
ptrace) is chosen once (gvisor_platform.py). Without runsc, gVisor runs are refused: never
run under bubblewrap instead."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
from collections.abc import Iterable

from . import gvisor, gvisor_platform
from .backend import Backend, Request, Started
from .errors import EngineUnavailable
from .layout import SANDBOX_UID
from .runner import Runner
from .runtimes import Runtime


class GVisorBackend(Backend):
    platform: gvisor_platform.Platform | None = None

    def prepare(self, runtimes: Iterable[Runtime]) -> None:
        """The root-only gVisor folder and shared rootfs, whether or not runsc is installed:
        it may be installed later, and a dead engine's gVisor runs are cleaned up either way
        (after their cgroups killed what was left)."""
        gvisor.prepare(self.host.config.scratch_dir, runtimes)
        if shutil.which(self.host.config.runsc) is not None:
            self._choose_platform()

    def _choose_platform(self) -> gvisor_platform.Platform:
        if self.platform is None:
            config = self.host.config
            self.platform = gvisor_platform.choose(
                config.runsc, gvisor.gvisor_dir(config.scratch_dir)
            )
        return self.platform

    def _check_runsc(self) -> None:
        """Checked on every run, so installing runsc needs no restart; no fallback."""
        if shutil.which(self.host.config.runsc) is None:
            raise EngineUnavailable(
                f"{self.host.config.runsc} is missing, so gVisor runs are refused: "
                "install it with `apt-get install runsc`"
            )

    async def start(self, request: Request, cleanup: contextlib.ExitStack) -> Started:
        self._check_runsc()
        config, spec, limits = self.host.config, request.spec, request.spec.limits
        platform = await asyncio.to_thread(self._choose_platform)
        run_id = f"{os.getpid()}-{secrets.token_hex(6)}"
        # gVisor cannot map user ids: the tmpfs belongs to the in-sandbox uid, in a folder
        # only root can traverse (see gvisor.py).
        folder = gvisor.gvisor_dir(config.scratch_dir)
        workspace = await self._workspace(
            request, cleanup, folder, run_id, (SANDBOX_UID, SANDBOX_UID)
        )
        container = gvisor.Container(config.scratch_dir, run_id)
        cleanup.callback(container.remove)
        cgroup = self.host.cgroups.create(run_id)
        cpus = self._confine(cleanup, cgroup, gvisor.host_limits(limits))
        bundle = gvisor.oci_config(
            rootfs=container.rootfs,
            binds=self._binds(request, workspace, gvisor.etc_dir(config.scratch_dir)),
            program=self._program(request),
            env=self._environment(request, cpus),
            open_files=limits.open_files,
            open_files_soft=limits.open_files_soft,
            cpu_seconds=max(1, int(limits.cpu_seconds + 0.999)),
            max_processes=limits.max_processes,
        )
        await asyncio.to_thread(container.create, bundle)
        process = await asyncio.create_subprocess_exec(
            *container.command(
                runsc=config.runsc,
                setpriv=config.setpriv,
                procs_files=cgroup.procs_files,
                platform=platform.name,
                cpus=cpus,
            ),
            stdin=asyncio.subprocess.PIPE
            if spec.stdin or request.streamed_stdin
            else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={},  # runsc, its sentry and gofer inherit this: no host variable reaches them
            start_new_session=True,
        )
        runner = Runner(
            process, None, cgroup, limits, request.on_output, self._cancelled(request),
            container.failure,
        )  # fmt: skip
        return Started(runner, workspace)

    def close(self) -> None:
        """Nothing is started ahead of a gVisor run."""
