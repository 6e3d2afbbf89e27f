"""The engine's configuration: passed in by the caller (Django reads it from settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .observer import EngineObserver, NullObserver
from .spec import Limits, MiB

GiB = 1024 * MiB


@dataclass(frozen=True)
class EngineConfig:
    python: tuple[str, ...]  # interpreter paths; the first usable one is "python"
    node: tuple[str, ...]
    scratch_dir: Path  # run workspaces; must be reachable by the sandbox user
    sandbox_user: str = "codesandbox"  # unprivileged host user every run executes as
    cgroup_name: str = "codesandboxes"
    bwrap: str = "/usr/bin/bwrap"
    setpriv: str = "/usr/bin/setpriv"
    runsc: str = "/usr/bin/runsc"
    # Package environments (see packages/): where they are kept (default
    # <scratch_dir>/packages), the cache's size cap (least recently used go first), and the
    # limits of an install sandbox. An environment is shared by every run asking for the
    # same set, so its build has limits of its own, not those of the run that asked first
    # (pandas alone is larger than a run's default disk).
    packages_dir: Path | None = None
    packages_max_bytes: int = 10 * GiB
    install_limits: Limits = field(
        default_factory=lambda: Limits(
            timeout_seconds=300,
            cpu_seconds=600,
            memory_bytes=2 * GiB,  # the build's tmpfs counts here too
            max_processes=256,
            disk_bytes=1536 * MiB,
            open_files=4096,
            output_bytes=1 * MiB,
            cpus=2.0,
        )
    )
    python_index_url: str = "https://pypi.org/simple"
    npm_registry: str = "https://registry.npmjs.org/"
    uv: str = ""  # the uv binary; empty: the one the `uv` Python package ships
    npm: str = "npm"  # the npm CLI, run on the runtime's own node
    slirp4netns: str = "/usr/bin/slirp4netns"
    nft: str = "/usr/sbin/nft"
    nsenter: str = "/usr/bin/nsenter"
    # A run's network (run_network.py): ranges lifted from the always-refused ones for
    # `internet` runs (never widening an allow-list), the resolver runs' DNS asks (empty:
    # the host's), and the app's own services, refused to every run wherever they are.
    network_allow_cidrs: tuple[str, ...] = ()
    network_dns: str = ""
    network_refused_endpoints: tuple[tuple[str, int], ...] = ()
    # Told how long sandboxes take to start and package environments to get ready.
    observer: EngineObserver = field(default_factory=NullObserver)

    @property
    def packages_root(self) -> Path:
        return self.packages_dir or self.scratch_dir / "packages"
