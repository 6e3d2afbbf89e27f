"""What a run is asked to do (RunSpec, Limits) and what it did (RunResult)."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .errors import InvalidSpec
from .network_policy import NetworkPolicy
from .packages.specs import normalise
from .runtimes import language_of

MiB = 1024 * 1024

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_PATH_DEPTH = 32


class Status(enum.StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    OOM_KILLED = "oom_killed"
    OUTPUT_LIMITED = "output_limited"
    NETWORK_LIMITED = "network_limited"  # sent and received more than its policy's max_bytes
    CANCELLED = "cancelled"
    INSTALL_FAILED = "install_failed"  # the run's packages could not be installed


class Isolation(enum.StrEnum):
    BWRAP = "bwrap"
    GVISOR = "gvisor"


# What a program starts with, as on a usual distribution (1024 soft); it may raise its own
# soft limit up to `Limits.open_files`, the hard one.
OPEN_FILES_SOFT = 1024


@dataclass(frozen=True)
class Limits:
    """Hard limits of one run. Every one is enforced by the kernel or the runner."""

    timeout_seconds: float = 30.0
    cpu_seconds: float = 60.0
    memory_bytes: int = 256 * MiB
    max_processes: int = 64  # processes and threads together
    disk_bytes: int = 64 * MiB  # workspace and /tmp together
    open_files: int = 4096  # the hard limit; a program starts at OPEN_FILES_SOFT
    output_bytes: int = 1 * MiB  # stdout and stderr together
    cpus: float = 1.0

    def __post_init__(self) -> None:
        for name in (
            "timeout_seconds",
            "cpu_seconds",
            "memory_bytes",
            "max_processes",
            "disk_bytes",
            "open_files",
            "output_bytes",
            "cpus",
        ):
            if getattr(self, name) <= 0:
                raise InvalidSpec(f"limits.{name} must be greater than 0")
        if self.memory_bytes < 16 * MiB:
            raise InvalidSpec("limits.memory_bytes must be at least 16 MiB")

    @property
    def open_files_soft(self) -> int:
        return min(OPEN_FILES_SOFT, self.open_files)


@dataclass(frozen=True)
class RunSpec:
    """One program to run: the runtime, its workspace files, and how to run it.

    `packages` are registry specs (`pandas==2.*`, `zod@3`): checked and normalised here,
    installed (once per set) into a read-only environment the run mounts.
    """

    runtime: str
    files: Mapping[str, bytes]
    entry: str
    argv: tuple[str, ...] = ()
    stdin: bytes = b""
    env: Mapping[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    network: NetworkPolicy = field(default_factory=NetworkPolicy)
    isolation: Isolation = Isolation.BWRAP
    packages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for path in self.files:
            check_workspace_path(path, what="file path")
        check_workspace_path(self.entry, what="entry file")
        if self.entry not in self.files:
            raise InvalidSpec(f"entry file {self.entry!r} is not among the workspace files")
        for name, value in self.env.items():
            if not ENV_NAME.match(name):
                raise InvalidSpec(
                    f"environment variable name {name!r} must be letters, digits and _"
                )
            if "\0" in value:
                raise InvalidSpec(f"environment variable {name} contains a NUL byte")
        for arg in self.argv:
            if "\0" in arg:
                raise InvalidSpec("argv contains a NUL byte")
        if isinstance(self.packages, str):
            raise InvalidSpec("packages must be a list of package specs, not one string")
        if self.packages:
            language = language_of(self.runtime)
            object.__setattr__(self, "packages", normalise(language, self.packages))
        else:
            object.__setattr__(self, "packages", ())
        object.__setattr__(self, "network", NetworkPolicy.coerce(self.network))
        object.__setattr__(self, "isolation", Isolation(self.isolation))
        if self.isolation is Isolation.GVISOR and self.network.enabled:
            # Fail closed: gVisor runs have no network plumbing (its own netstack would
            # need the same policy enforced in a second way).
            raise InvalidSpec(
                f"network {self.network.mode.value!r} is only available with bubblewrap "
                "isolation: gVisor runs have no network (choose network none or bwrap)"
            )


# Control characters (Cc), invisible formatting such as U+202E RIGHT-TO-LEFT OVERRIDE (Cf),
# line and paragraph separators: a name holding one shows as something it is not.
HIDDEN_CHARACTERS = frozenset({"Cc", "Cf", "Zl", "Zp"})


def check_workspace_path(path: str, *, what: str) -> None:
    """A workspace path is relative, normalised, and stays inside the workspace."""
    if not path or "\0" in path or "\\" in path:
        raise InvalidSpec(f"{what} {path!r} is not a valid path")
    if hidden := next((c for c in path if unicodedata.category(c) in HIDDEN_CHARACTERS), None):
        name = unicodedata.name(hidden, "a control character")
        raise InvalidSpec(
            f"{what} {path!r} contains U+{ord(hidden):04X} ({name}): names cannot hold"
            " control or text-direction characters"
        )
    pure = PurePosixPath(path)
    if pure.is_absolute() or any(part in ("..", ".", "") for part in path.split("/")):
        raise InvalidSpec(f"{what} {path!r} must be relative and must not contain '..'")
    if len(pure.parts) > MAX_PATH_DEPTH:
        raise InvalidSpec(f"{what} {path!r} is nested deeper than {MAX_PATH_DEPTH} folders")


@dataclass(frozen=True)
class RunResult:
    status: Status
    exit_code: int | None
    signal: int | None
    wall_seconds: float
    cpu_seconds: float
    peak_memory_bytes: int
    output_truncated: bool
    files: dict[str, bytes]  # workspace files the run created or changed
    deleted_files: tuple[str, ...]  # workspace files the run deleted
    runtime_version: str
    error: str = ""  # why the runner ended it, in words (limit hit, cancel), else empty
    install_seconds: float = 0.0  # building its package environment (0 when cached)
    network_bytes_in: int = 0
    network_bytes_out: int = 0
    # connections the policy refused: the count, and the first few in words
    # ("10.0.0.5:5432 (private address)", "evil.example (not on the allow-list)")
    network_blocked_count: int = 0
    network_blocked: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status is Status.SUCCEEDED
