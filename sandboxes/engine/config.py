"""The engine's configuration: passed in by the caller (Django reads it from settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .spec import Limits


@dataclass(frozen=True)
class EngineConfig:
    python: tuple[str, ...]  # interpreter paths; the first usable one is "python"
    node: tuple[str, ...]
    scratch_dir: Path  # run workspaces; must be reachable by the sandbox user
    sandbox_user: str = "codesandbox"  # unprivileged host user every run executes as
    cgroup_name: str = "codesandboxes"
    default_limits: Limits = field(default_factory=Limits)
    bwrap: str = "/usr/bin/bwrap"
    setpriv: str = "/usr/bin/setpriv"
    runsc: str = "/usr/bin/runsc"
