"""A run's package environment: found in the cache, or built once and then found.

The common case costs a hash, a stat and a shared flock: the environment exists, the run
holds its lock (so pruning never removes it under the run) and mounts it. Otherwise the
first run to take the exclusive lock builds it in a sandbox; runs that asked for the same
set meanwhile wait on the lock, then find it built (or find why it failed).
"""

from __future__ import annotations

import datetime
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .. import layout
from ..cancel import CancelToken
from ..config import EngineConfig
from ..errors import InstallFailed
from ..launcher import LauncherPool
from ..runner import OutputCallback
from ..runtimes import Runtime
from ..spec import RunResult, Status
from .installer import Installer, InstallOutcome
from .manifest import Manifest, installed_in
from .network import RESOLV_CONF, NetworkTools
from .store import KeyLock, Store, environment_key, platform_tag


@dataclass
class Lease:
    """A ready environment, held (against pruning) until `release()`."""

    path: Path
    key: str
    install_seconds: float  # 0 when it was already there
    lock: KeyLock

    def release(self) -> None:
        self.lock.close()


class PackageManager:
    def __init__(
        self, store: Store, installer: Installer, *, etc_dir: Path, max_bytes: int
    ) -> None:
        self.store = store
        self.installer = installer
        self.etc_dir = etc_dir
        self.max_bytes = max_bytes

    def prepare(self, uid: int, gid: int) -> None:
        """Create the cache folder (reachable, not listable, by the sandbox user) and its
        download caches (the sandbox user's); remove half-built environments of dead engines."""
        root = self.store.root
        root.mkdir(mode=0o711, parents=True, exist_ok=True)
        os.chmod(root, 0o711)
        self.store.tools.mkdir(mode=0o755, exist_ok=True)
        self.store.caches.mkdir(mode=0o711, exist_ok=True)
        for language in ("python", "node"):
            cache = self.store.caches / language
            cache.mkdir(mode=0o700, exist_ok=True)
            os.chown(cache, uid, gid)
        (self.etc_dir / "resolv.conf").write_text(RESOLV_CONF)
        os.chmod(self.etc_dir / "resolv.conf", 0o644)
        self.store.remove_stale()

    def key(self, runtime: Runtime, specs: tuple[str, ...]) -> str:
        return environment_key(runtime.id, runtime.version, specs)

    def built(self, runtime: Runtime, specs: tuple[str, ...]) -> Manifest | None:
        """The manifest of the environment for `specs` (normalised) if it is built already,
        so a run would start without installing; None if the next run installs it."""
        manifest = self.store.manifest(self.key(runtime, specs))
        return Manifest.read(runtime.language, manifest) if manifest is not None else None

    async def acquire(
        self,
        runtime: Runtime,
        specs: tuple[str, ...],
        cancel: CancelToken | None = None,
        on_line: OutputCallback | None = None,
    ) -> Lease:
        """The environment for `specs` (normalised), built if need be (the installer's
        lines to `on_line` as it prints them). Raises InstallFailed."""
        key = self.key(runtime, specs)
        started = time.monotonic()
        lock = self.store.lock(key)
        built = 0.0  # seconds spent building it here (0 when it was there)
        token = cancel or CancelToken()

        def cancelled() -> bool:
            return token.cancelled

        try:
            while True:
                if self.store.exists(key):
                    if not await lock.lock(exclusive=False, cancelled=cancelled):
                        raise InstallFailed("Cancelled.", cancelled=True)
                    if self.store.exists(key):  # not pruned while we waited
                        self.store.mark_used(key)
                        return Lease(self.store.path(key), key, built, lock)
                    lock.close()
                    lock = self.store.lock(key)
                    continue
                if not await lock.lock(exclusive=True, cancelled=cancelled):
                    raise InstallFailed("Cancelled.", cancelled=True)
                if not self.store.exists(key):
                    failure = self.store.recent_failure(key)
                    if failure is not None:
                        raise InstallFailed(failure, seconds=time.monotonic() - started)
                    await self._build(runtime, specs, key, cancel, started, on_line)
                    built = time.monotonic() - started
                lock.close()  # and take it again shared, as for any environment found
                lock = self.store.lock(key)
        except BaseException:
            lock.close()
            raise

    async def _build(
        self,
        runtime: Runtime,
        specs: tuple[str, ...],
        key: str,
        cancel: CancelToken | None,
        started: float,
        on_line: OutputCallback | None = None,
    ) -> None:
        into = self.store.temporary(key)
        into.mkdir(mode=0o700)
        try:
            outcome = await self.installer.build(
                runtime, specs, into, cancel, self.etc_dir, on_line
            )
            seconds = time.monotonic() - started
            if outcome.status is not Status.SUCCEEDED:
                message = self._failure_message(runtime, specs, outcome)
                if outcome.status is Status.FAILED:
                    self.store.record_failure(key, message)
                raise InstallFailed(
                    message, seconds=seconds, cancelled=outcome.status is Status.CANCELLED
                )
            self.store.clear_failure(key)
            manifest = {
                "runtime": runtime.id,
                "runtime_version": runtime.version,
                "platform": platform_tag(),
                "language": runtime.language,
                "packages": list(specs),
                "installed": installed_in(into),
                "built_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "install_seconds": round(seconds, 2),
                "installer_output": outcome.output[-4000:],
            }
            self.store.commit(key, into, manifest)
        finally:
            shutil.rmtree(into, ignore_errors=True)  # gone already, unless it failed
        if self.max_bytes:
            self.store.prune(self.max_bytes, keep=key)

    @staticmethod
    def _failure_message(runtime: Runtime, specs: tuple[str, ...], outcome: InstallOutcome) -> str:
        limits = {
            Status.TIMED_OUT: "the install took too long",
            Status.OOM_KILLED: "the installer ran out of memory",
            Status.OUTPUT_LIMITED: "the installer printed too much",
            Status.CANCELLED: "cancelled",
        }
        asked = ", ".join(specs)
        if outcome.status is Status.CANCELLED:
            return "Cancelled while installing packages."
        reason = limits.get(outcome.status, "the installer reported an error")
        return (
            f"Could not install the packages ({asked}) for {runtime.label}: {reason}.\n"
            f"{outcome.output.strip()}\n"
        )


def package_manager(
    config: EngineConfig, launchers: LauncherPool, uid: int, gid: int
) -> PackageManager:
    """The engine's package manager, from its configuration."""
    store = Store(config.packages_root)
    installer = Installer(
        launchers=launchers,
        scratch=config.scratch_dir,
        cache_dir=store.caches,
        tools_dir=store.tools,
        uid=uid,
        gid=gid,
        limits=config.install_limits,
        network=NetworkTools(
            slirp4netns=config.slirp4netns,
            nft=config.nft,
            nsenter=config.nsenter,
            bwrap=config.bwrap,
        ),
        python_index_url=config.python_index_url,
        npm_registry=config.npm_registry,
        uv=config.uv,
        npm=config.npm,
    )
    return PackageManager(
        store,
        installer,
        etc_dir=layout.etc_dir(config.scratch_dir),
        max_bytes=config.packages_max_bytes,
    )


def install_failed_result(failure: InstallFailed, runtime: Runtime) -> RunResult:
    """How a run ends when its packages could not be installed (or it was cancelled then)."""
    return RunResult(
        status=Status.CANCELLED if failure.cancelled else Status.INSTALL_FAILED,
        exit_code=None,
        signal=None,
        wall_seconds=failure.seconds,
        cpu_seconds=0.0,
        peak_memory_bytes=0,
        output_truncated=False,
        files={},
        deleted_files=(),
        runtime_version=runtime.version,
        error=failure.message,
        install_seconds=failure.seconds,
    )
