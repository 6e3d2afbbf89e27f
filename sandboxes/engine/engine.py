"""The engine: checks once that isolation is possible, then runs specs in sandboxes."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import math
import os
import pwd
import secrets
import shutil
import threading
import time
from pathlib import Path

from . import gvisor, gvisor_platform, layout, resolver
from .apparmor import userns_restriction
from .bwrap import bwrap_arguments, launcher_command
from .cancel import CancelToken
from .cgroups import Cgroups, RunCgroup
from .config import EngineConfig
from .cpus import CpuSets
from .errors import EngineError, EngineUnavailable, InstallFailed
from .launcher import LauncherPool
from .layout import GENERATED_ETC_FILES, SANDBOX_UID
from .netns import NetworkTools
from .packages.manager import Lease, PackageManager, install_failed_result, package_manager
from .packages.specs import normalise
from .resolver import RESOLV_CONF
from .run_network import REFUSED, RunNetwork, RunNetworkSettings
from .runner import OutputCallback, Runner
from .runtimes import Runtime, RuntimeRegistry, discover_runtimes, unreachable_part
from .spec import Isolation, RunResult, RunSpec, Status
from .stdin import InputStream
from .workspace import Workspace, remove_stale_workspaces

# What a run's "install" output says when its package environment was already built.
CACHED_LINE = b"packages ready (cached)\n"


class Engine:
    """Create one per process; `prepare()` runs once, lazily, and fails closed."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self._prepared = False
        self._lock = threading.Lock()
        self.uid = self.gid = -1
        self.cgroups: Cgroups | None = None
        self.runtimes = RuntimeRegistry()
        self._launchers: LauncherPool | None = None
        self.packages: PackageManager | None = None
        self.gvisor_platform: gvisor_platform.Platform | None = None
        self.cpu_sets = CpuSets()
        self.network_tools = NetworkTools(
            slirp4netns=config.slirp4netns,
            nft=config.nft,
            nsenter=config.nsenter,
            bwrap=config.bwrap,
        )
        self.network_settings = RunNetworkSettings(
            allow_cidrs=config.network_allow_cidrs,
            dns=config.network_dns,
            refused_endpoints=config.network_refused_endpoints,
        )

    # --- start-up -----------------------------------------------------------------------

    def prepare(self) -> None:
        """Check every piece isolation needs; raise EngineUnavailable saying what is wrong."""
        with self._lock:
            if self._prepared:
                return
            self._prepare()
            self._prepared = True

    def _prepare(self) -> None:
        config = self.config
        if os.geteuid() != 0:
            raise EngineUnavailable(
                "the sandbox engine must run as root: it mounts each run's size-limited "
                "filesystem and creates its cgroups, then drops to the sandbox user"
            )
        for tool, package in ((config.bwrap, "bubblewrap"), (config.setpriv, "util-linux")):
            if shutil.which(tool) is None:
                raise EngineUnavailable(
                    f"{tool} is missing: install it with `apt-get install {package}`"
                )
        try:
            user = pwd.getpwnam(config.sandbox_user)
        except KeyError:
            raise EngineUnavailable(
                f"the sandbox user {config.sandbox_user!r} does not exist: create it with "
                f"`useradd --system --no-create-home --shell /usr/sbin/nologin "
                f"{config.sandbox_user}`"
            ) from None
        if user.pw_uid == 0 or user.pw_gid == 0:
            raise EngineUnavailable(f"the sandbox user {config.sandbox_user!r} must not be root")
        self.uid, self.gid = user.pw_uid, user.pw_gid
        self._prepare_scratch()
        self.cgroups = Cgroups(config.cgroup_name)
        self.cgroups.remove_stale()
        self._launchers = LauncherPool(
            self.cgroups,
            functools.partial(launcher_command, bwrap=config.bwrap),
            uid=self.uid,
            gid=self.gid,
            setpriv=config.setpriv,
        )
        self.runtimes = discover_runtimes(
            python=config.python, node=config.node, uid=self.uid, gid=self.gid
        )
        if not self.runtimes.runtimes:
            raise EngineUnavailable(
                "no usable runtime: " + "; ".join(self.runtimes.problems or ["none configured"])
            )
        self.packages = package_manager(config, self._launchers, self.uid, self.gid)
        self.packages.prepare(self.uid, self.gid)
        # Whether or not runsc is installed: it may be installed later, and a dead engine's
        # gVisor runs are cleaned up either way (after their cgroups killed what was left).
        gvisor.prepare(config.scratch_dir, self.runtimes.runtimes.values())
        if shutil.which(config.runsc) is not None:
            self._choose_gvisor_platform()
        resolver.warm_up()
        self._smoke_test()

    def _smoke_test(self) -> None:
        """Start one real sandbox: a host where bubblewrap cannot work is caught here."""
        runtime = next(iter(self.runtimes.runtimes.values()))
        entry = "probe.py" if runtime.language == "python" else "probe.js"
        spec = RunSpec(
            runtime=runtime.id,
            files={entry: b"print('ok')" if runtime.language == "python" else b"console.log('ok')"},
            entry=entry,
        )
        output = bytearray()
        try:
            result = asyncio.run(self._run_once(spec, lambda _stream, data: output.extend(data)))
        except EngineError as error:
            raise EngineUnavailable(
                f"a test sandbox failed to start: {error}{self._userns_note()}"
            ) from error
        if result.status is not Status.SUCCEEDED or output.strip() != b"ok":
            raise EngineUnavailable(
                f"a test sandbox did not run correctly ({result.status}): "
                f"{output.decode(errors='replace').strip() or result.error}{self._userns_note()}"
            )

    def _userns_note(self) -> str:
        note = userns_restriction(self.config.bwrap)
        return f". {note}" if note else ""

    def _prepare_scratch(self) -> None:
        scratch = self.config.scratch_dir
        scratch.mkdir(mode=0o711, parents=True, exist_ok=True)
        os.chmod(scratch, 0o711)
        remove_stale_workspaces(scratch)
        etc = layout.etc_dir(scratch)
        layout.write_etc(etc, {**GENERATED_ETC_FILES, RunNetwork.RESOLV_CONF: RESOLV_CONF})
        blocked = unreachable_part(etc / "passwd", self.uid, self.gid)
        if blocked is not None:
            raise EngineUnavailable(
                f"the scratch folder {scratch} is not reachable by the sandbox user: "
                f"{blocked} is closed to it. Choose a SANDBOX_SCRATCH_DIR under a folder "
                f"others may traverse, such as /var/lib/codesandboxes."
            )

    # --- running ------------------------------------------------------------------------

    async def run(
        self,
        spec: RunSpec,
        on_output: OutputCallback | None = None,
        cancel: CancelToken | None = None,
        stdin: InputStream | None = None,
    ) -> RunResult:
        """Run `spec` in a fresh sandbox, calling `on_output(stream, bytes)` as output arrives.

        The program reads `spec.stdin`, then what `stdin` brings while it runs (if given)."""
        await asyncio.to_thread(self.prepare)
        return await self._run(spec, on_output, cancel, stdin)

    async def prepare_packages(
        self,
        spec: RunSpec,
        on_output: OutputCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> RunResult | None:
        """Build the run's package environment now (a run's "preparing" step), if it is not
        built yet. None when it is ready (or the run needs none); else the run's result:
        install_failed (the installer's words also on stderr) or cancelled."""
        await asyncio.to_thread(self.prepare)
        runtime = self.runtimes.get(spec.runtime)
        began = time.monotonic()
        lease = await self._lease(spec, runtime, on_output, cancel)
        if isinstance(lease, RunResult):
            self._packages_prepared(runtime, "failed", time.monotonic() - began)
            return lease
        if lease is not None:
            outcome = "built" if lease.install_seconds else "hit"
            self._packages_prepared(runtime, outcome, time.monotonic() - began)
            lease.release()
            if outcome == "hit" and on_output is not None:
                written = on_output("install", CACHED_LINE)
                if inspect.isawaitable(written):
                    await written
        return None

    def _packages_prepared(self, runtime: Runtime, outcome: str, seconds: float) -> None:
        self.config.observer.packages_prepared(
            language=runtime.language, outcome=outcome, seconds=seconds
        )

    async def needs_packages(self, spec: RunSpec) -> bool:
        """Whether the run has a package environment to prepare (cached or not)."""
        await asyncio.to_thread(self.prepare)
        return bool(self.packages_for(spec, self.runtimes.get(spec.runtime)))

    def packages_for(self, spec: RunSpec, runtime: Runtime) -> tuple[str, ...]:
        """What the run installs: its packages, and tsx for TypeScript on an old Node."""
        implicit = runtime.implicit_packages(spec.entry)
        if not implicit:
            return spec.packages
        return normalise(runtime.language, (*spec.packages, *implicit))

    async def _lease(
        self,
        spec: RunSpec,
        runtime: Runtime,
        on_output: OutputCallback | None,
        cancel: CancelToken | None,
    ) -> Lease | RunResult | None:
        specs = self.packages_for(spec, runtime)
        if not specs:
            return None
        assert self.packages is not None
        try:
            return await self.packages.acquire(runtime, specs, cancel, on_output)
        except InstallFailed as failure:
            if on_output is not None and not failure.cancelled:
                written = on_output("stderr", failure.message.encode())
                if inspect.isawaitable(written):
                    await written
            return install_failed_result(failure, runtime)

    async def _run(
        self,
        spec: RunSpec,
        on_output: OutputCallback | None,
        cancel: CancelToken | None,
        stdin: InputStream | None = None,
    ) -> RunResult:
        if spec.network.enabled:
            self.network_tools.check(REFUSED)  # fail closed; runs without network go on
        runtime = self.runtimes.get(spec.runtime)
        start = self._start_gvisor if spec.isolation is Isolation.GVISOR else self._start_bwrap
        cleanup = contextlib.ExitStack()  # each backend registers how to undo what it made
        network: RunNetwork | None = None
        try:
            lease = await self._lease(spec, runtime, on_output, cancel)
            if isinstance(lease, RunResult):
                return lease
            if lease is not None:
                cleanup.callback(lease.release)  # held until the run ends: never pruned under it
            packages = lease.path if lease is not None else None
            began = time.monotonic()
            runner, workspace = await start(
                spec, runtime, cleanup, on_output, cancel, packages, stdin is not None
            )
            network = runner.network
            self.config.observer.sandbox_started(
                runtime=runtime.id, isolation=spec.isolation.value, seconds=time.monotonic() - began
            )
            wall = await runner.run(spec.stdin, stdin)
            usage = runner.cgroup.usage()
            status, exit_code, signal_number = runner.outcome(usage)
            changes = await asyncio.to_thread(workspace.changes, dict(spec.files))
            account = await network.account() if network is not None else None
            return RunResult(
                status=status,
                exit_code=exit_code,
                signal=signal_number,
                wall_seconds=wall,
                cpu_seconds=usage.cpu_seconds,
                peak_memory_bytes=usage.peak_memory_bytes,
                output_truncated=runner.truncated,
                files=changes.files,
                deleted_files=changes.deleted,
                runtime_version=runtime.version,
                error=runner.error,
                install_seconds=lease.install_seconds if lease is not None else 0.0,
                **(account.result_fields() if account is not None else {}),
            )
        finally:
            if network is not None:
                await network.close()
            await asyncio.to_thread(cleanup.close)

    @staticmethod
    async def _workspace(
        spec: RunSpec, cleanup: contextlib.ExitStack, folder: Path, run_id: str, owner: tuple
    ) -> Workspace:
        """The run's filesystem, owned by `owner` (uid, gid): whoever the program runs as."""
        workspace = Workspace(folder, run_id, uid=owner[0], gid=owner[1])
        cleanup.callback(workspace.remove)  # unmounted last, once nothing runs in it
        await asyncio.to_thread(
            workspace.create, dict(spec.files), disk_bytes=spec.limits.disk_bytes
        )
        return workspace

    def _binds(
        self, runtime: Runtime, workspace: Workspace, packages: Path | None, etc_dir: Path
    ) -> list[layout.Bind]:
        return layout.binds(
            runtime=runtime,
            workspace=workspace.workspace,
            tmp=workspace.tmp,
            shm=workspace.shm,
            etc_dir=etc_dir,
            packages=packages,
        )

    @staticmethod
    def _watch(cleanup: contextlib.ExitStack, cgroup: RunCgroup) -> None:
        """On the way out, first every process of the run dies, then its cgroup goes."""
        cleanup.callback(cgroup.remove)
        cleanup.callback(cgroup.kill_all)

    def _choose_gvisor_platform(self) -> gvisor_platform.Platform:
        if self.gvisor_platform is None:
            self.gvisor_platform = gvisor_platform.choose(
                self.config.runsc, gvisor.gvisor_dir(self.config.scratch_dir)
            )
        return self.gvisor_platform

    def _check_runsc(self) -> None:
        """Checked on every gVisor run, so installing runsc needs no restart; no fallback."""
        if shutil.which(self.config.runsc) is None:
            raise EngineUnavailable(
                f"{self.config.runsc} is missing, so gVisor runs are refused: "
                "install it with `apt-get install runsc`"
            )

    async def _start_bwrap(
        self,
        spec: RunSpec,
        runtime: Runtime,
        cleanup: contextlib.ExitStack,
        on_output: OutputCallback | None,
        cancel: CancelToken | None,
        packages: Path | None = None,
        streamed_stdin: bool = False,
    ) -> tuple[Runner, Workspace]:
        assert self._launchers is not None
        network = None
        if spec.network.enabled:  # a launcher of its own, told to wait for its network
            network = RunNetwork(
                spec.network, self.network_settings, self.network_tools, self.uid, self.gid
            )
            launcher = await network.take_launcher(self._launchers, cleanup)
        else:
            launcher = await self._launchers.take()
        cleanup.callback(launcher.discard)
        workspace = await self._workspace(
            spec, cleanup, self.config.scratch_dir, launcher.run_id, (self.uid, self.gid)
        )
        self._watch(cleanup, launcher.cgroup)
        limits = spec.limits
        launcher.cgroup.apply(limits)
        cpus = self.cpu_sets.take(limits.cpus)
        with contextlib.suppress(ProcessLookupError):  # a launcher that died: the runner says
            # bubblewrap has started nothing yet: everything it starts inherits this.
            os.sched_setaffinity(launcher.process.pid, cpus)
        etc = layout.etc_dir(self.config.scratch_dir)
        binds = self._binds(runtime, workspace, packages, etc)
        if network is not None:
            binds.append(layout.Bind(etc / network.RESOLV_CONF, "/etc/resolv.conf"))
        arguments = bwrap_arguments(
            binds=binds,
            program=runtime.command(spec.entry, spec.argv),
            env=layout.environment(
                runtime, spec.env, packages=packages is not None, cpus=len(cpus)
            ),
            open_files=limits.open_files,
            open_files_soft=limits.open_files_soft,
            # Per process, a backstop a second past the run's limit: the runner's check of
            # the cgroup's total should end the run first.
            cpu_seconds=math.ceil(limits.cpu_seconds) + 1,
            seccomp_fd=launcher.seccomp_fd,
            status_fd=launcher.status_fd,
        )
        launcher.release([*arguments, *(network.bwrap_arguments() if network else [])])
        status_pipe = await _reader_for(launcher.take_status_pipe())
        cancelled = (cancel or CancelToken()).event()
        runner = Runner(
            launcher.process, status_pipe, launcher.cgroup, limits, on_output, cancelled,
            network=network,
        )  # fmt: skip
        await runner.wait_started()
        if network is not None:
            await network.start(runner.child_pid)  # the program starts only now
        else:
            self._launchers.refill()
        return runner, workspace

    async def _start_gvisor(
        self,
        spec: RunSpec,
        runtime: Runtime,
        cleanup: contextlib.ExitStack,
        on_output: OutputCallback | None,
        cancel: CancelToken | None,
        packages: Path | None = None,
        streamed_stdin: bool = False,
    ) -> tuple[Runner, Workspace]:
        self._check_runsc()
        platform = await asyncio.to_thread(self._choose_gvisor_platform)
        run_id = f"{os.getpid()}-{secrets.token_hex(6)}"
        # gVisor cannot map user ids: the tmpfs belongs to the in-sandbox uid, in a folder
        # only root can traverse (see gvisor.py).
        folder = gvisor.gvisor_dir(self.config.scratch_dir)
        owner = (SANDBOX_UID, SANDBOX_UID)
        workspace = await self._workspace(spec, cleanup, folder, run_id, owner)
        container = gvisor.Container(self.config.scratch_dir, run_id)
        cleanup.callback(container.remove)
        cgroup = self.cgroups.create(run_id)
        self._watch(cleanup, cgroup)
        limits = spec.limits
        cgroup.apply(gvisor.host_limits(limits))
        cpus = self.cpu_sets.take(limits.cpus)
        etc = gvisor.etc_dir(self.config.scratch_dir)
        config = gvisor.oci_config(
            rootfs=container.rootfs,
            binds=self._binds(runtime, workspace, packages, etc),
            program=runtime.command(spec.entry, spec.argv),
            env=layout.environment(
                runtime, spec.env, packages=packages is not None, cpus=len(cpus)
            ),
            open_files=limits.open_files,
            open_files_soft=limits.open_files_soft,
            cpu_seconds=max(1, int(limits.cpu_seconds + 0.999)),
            max_processes=limits.max_processes,
        )
        await asyncio.to_thread(container.create, config)
        process = await asyncio.create_subprocess_exec(
            *container.command(
                runsc=self.config.runsc,
                setpriv=self.config.setpriv,
                procs_files=cgroup.procs_files,
                platform=platform.name,
                cpus=cpus,
            ),
            stdin=asyncio.subprocess.PIPE
            if spec.stdin or streamed_stdin
            else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={},  # runsc, its sentry and gofer inherit this: no host variable reaches them
            start_new_session=True,
        )
        cancelled = (cancel or CancelToken()).event()
        runner = Runner(process, None, cgroup, limits, on_output, cancelled, container.failure)
        return runner, workspace

    def run_sync(
        self,
        spec: RunSpec,
        on_output: OutputCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> RunResult:
        """Run on a loop of its own (commands, tests): no launcher is kept for the next run."""

        self.prepare()
        return asyncio.run(self._run_once(spec, on_output, cancel))

    async def _run_once(self, spec, on_output=None, cancel=None) -> RunResult:
        try:
            return await self._run(spec, on_output, cancel)
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the launcher kept ready for the next run. Call it before the event loop
        that ran sandboxes ends (a server's loop lives as long as the process: no need)."""
        if self._launchers is not None:
            self._launchers.discard()

    async def aclose(self) -> None:
        """`close()` for a loop that is still running: waits for a launcher being started."""
        if self._launchers is not None:
            await self._launchers.aclose()


async def _reader_for(fd: int) -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", buffering=0)
    )
    return reader
