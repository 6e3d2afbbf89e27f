"""The engine: checks once that isolation is possible, then runs specs in sandboxes."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import pwd
import shutil
import threading
import time

from . import layout, resolver
from .apparmor import userns_restriction
from .backend import Backend, Host, Request
from .bwrap_backend import BubblewrapBackend
from .cancel import CancelToken
from .cgroups import Cgroups
from .config import EngineConfig
from .cpus import CpuSets
from .errors import EngineError, EngineUnavailable, InstallFailed
from .gvisor_backend import GVisorBackend
from .layout import GENERATED_ETC_FILES
from .netns import NetworkTools
from .observer import PackagesOutcome
from .packages.manager import Lease, PackageManager, install_failed_result, package_manager
from .packages.manifest import Manifest
from .packages.specs import normalise
from .resolver import RESOLV_CONF
from .run_network import REFUSED, RunNetwork, RunNetworkSettings
from .runner import OutputCallback
from .runtimes import Runtime, RuntimeRegistry, discover_runtimes, unreachable_part
from .spec import Isolation, RunResult, RunSpec, Status
from .stdin import InputStream
from .workspace import remove_stale_workspaces

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
        self.bubblewrap: BubblewrapBackend | None = None
        self.gvisor: GVisorBackend | None = None
        self.ready_launchers = 1
        self.packages: PackageManager | None = None
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

    def keep_ready(self, runs_at_once: int) -> None:
        """Keep a launcher ready for each run this process may start at once (its
        dispatcher's concurrency): a burst of runs then finds one each."""
        self.ready_launchers = max(1, runs_at_once)
        if self.bubblewrap is not None:
            self.bubblewrap.launchers.size = self.ready_launchers

    def prepare(self) -> None:
        """Check every piece isolation needs; raise EngineUnavailable saying what is wrong."""
        with self._lock:
            if self._prepared:
                return
            self._prepare()
            self._prepared = True

    async def _prepared_off_the_loop(self) -> None:
        """`prepare()` from a coroutine: on a thread the first time, then not at all."""
        if not self._prepared:
            await asyncio.to_thread(self.prepare)

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
        host = Host(config, self.uid, self.gid, self.cgroups, CpuSets())
        self.bubblewrap = BubblewrapBackend(host, self.ready_launchers)
        self.runtimes = discover_runtimes(
            python=config.python, node=config.node, uid=self.uid, gid=self.gid
        )
        if not self.runtimes.runtimes:
            raise EngineUnavailable(
                "no usable runtime: " + "; ".join(self.runtimes.problems or ["none configured"])
            )
        # Installs run in bubblewrap, whichever backend runs the program.
        self.packages = package_manager(config, self.bubblewrap.launchers, self.uid, self.gid)
        self.packages.prepare(self.uid, self.gid)
        self.gvisor = GVisorBackend(host)
        self.gvisor.prepare(self.runtimes.runtimes.values())
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
        await self._prepared_off_the_loop()
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
        await self._prepared_off_the_loop()
        runtime = self.runtimes.get(spec.runtime)
        began = time.monotonic()
        lease = await self._lease(spec, runtime, on_output, cancel)
        if isinstance(lease, RunResult):
            self._packages_prepared(runtime, "failed", time.monotonic() - began)
            return lease
        if lease is not None:
            outcome: PackagesOutcome = "built" if lease.install_seconds else "hit"
            self._packages_prepared(runtime, outcome, time.monotonic() - began)
            lease.release()
            if outcome == "hit" and on_output is not None:
                written = on_output("install", CACHED_LINE)
                if inspect.isawaitable(written):
                    await written
        return None

    def _packages_prepared(
        self, runtime: Runtime, outcome: PackagesOutcome, seconds: float
    ) -> None:
        self.config.observer.packages_prepared(
            language=runtime.language, outcome=outcome, seconds=seconds
        )

    async def needs_packages(self, spec: RunSpec) -> bool:
        """Whether the run has a package environment to prepare (cached or not)."""
        await self._prepared_off_the_loop()
        return bool(self.packages_for(spec, self.runtimes.get(spec.runtime)))

    def packages_built(self, spec: RunSpec) -> Manifest | None:
        """The manifest of the run's package environment if it is built already (the run
        would start without installing); None if the run would install it."""
        self.prepare()
        runtime = self.runtimes.get(spec.runtime)
        assert self.packages is not None
        return self.packages.built(runtime, self.packages_for(spec, runtime))

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
        backend = self._backend(spec.isolation)
        cleanup = contextlib.ExitStack()  # the backend registers how to undo what it made
        network: RunNetwork | None = None
        try:
            lease = await self._lease(spec, runtime, on_output, cancel)
            if isinstance(lease, RunResult):
                return lease
            if lease is not None:
                cleanup.callback(lease.release)  # held until the run ends: never pruned under it
            if spec.network.enabled:
                network = RunNetwork(
                    spec.network, self.network_settings, self.network_tools, self.uid, self.gid
                )
            request = Request(
                spec=spec,
                runtime=runtime,
                packages=lease.path if lease is not None else None,
                network=network,
                on_output=on_output,
                cancel=cancel,
                streamed_stdin=stdin is not None,
            )
            began = time.monotonic()
            started = await backend.start(request, cleanup)
            runner, workspace = started.runner, started.workspace
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

    def _backend(self, isolation: Isolation) -> Backend:
        backend = self.gvisor if isolation is Isolation.GVISOR else self.bubblewrap
        assert backend is not None, "prepare() first"
        return backend

    def _backends(self) -> list[Backend]:
        return [backend for backend in (self.bubblewrap, self.gvisor) if backend is not None]

    def run_sync(
        self,
        spec: RunSpec,
        on_output: OutputCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> RunResult:
        """Run on a loop of its own (commands, tests): no launcher is kept for the next run."""

        self.prepare()
        return asyncio.run(self._run_once(spec, on_output, cancel))

    async def _run_once(
        self,
        spec: RunSpec,
        on_output: OutputCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> RunResult:
        try:
            return await self._run(spec, on_output, cancel)
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the launchers kept ready for the next runs. Call it before the event loop
        that ran sandboxes ends (a server's loop lives as long as the process: no need)."""
        for backend in self._backends():
            backend.close()

    async def aclose(self) -> None:
        """`close()` for a loop that is still running: waits for a launcher being started."""
        for backend in self._backends():
            await backend.aclose()
