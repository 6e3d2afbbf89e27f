"""The sandbox as the program sees it, whatever the backend: its files and environment.

Both backends render the same plan: bubblewrap as command-line flags (bwrap.py), gVisor as
OCI mounts (gvisor.py). Everything writable is in the run's size-limited tmpfs (the
workspace, /tmp and /dev/shm); everything else is read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .runtimes import Runtime

SANDBOX_UID = 1000
HOME = "/tmp"
WORKDIR = "/workspace"
# Host files a program may need (certificates, time zone, the linker cache), read-only.
HOST_ETC_FILES = ("/etc/ssl", "/etc/ca-certificates", "/etc/localtime", "/etc/ld.so.cache")
# Written once by the engine instead of exposing the host's: no host user or host name.
GENERATED_ETC_FILES = {
    "passwd": f"sandbox:x:{SANDBOX_UID}:{SANDBOX_UID}:sandbox:{HOME}:/usr/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    "group": f"sandbox:x:{SANDBOX_UID}:\nnogroup:x:65534:\n",
    "hosts": "127.0.0.1 localhost sandbox\n::1 localhost sandbox\n",
    "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files dns\n",
}


@dataclass(frozen=True)
class Bind:
    source: Path
    destination: str
    writable: bool = False


def binds(*, runtime: Runtime, workspace: Path, tmp: Path, shm: Path, etc_dir: Path) -> list[Bind]:
    """Host folders and files shown to the program, in mount order."""
    plan = [Bind(Path("/usr"), "/usr")]
    plan += [Bind(Path(path), path) for path in HOST_ETC_FILES if Path(path).exists()]
    plan += [Bind(etc_dir / name, f"/etc/{name}") for name in GENERATED_ETC_FILES]
    if runtime.needs_mount:
        plan.append(Bind(runtime.root, str(runtime.root)))
    plan += [
        Bind(workspace, WORKDIR, writable=True),
        Bind(tmp, "/tmp", writable=True),
        Bind(shm, "/dev/shm", writable=True),
    ]
    return plan


def environment(runtime: Runtime, user_env: Mapping[str, str]) -> dict[str, str]:
    """The program's whole environment: nothing of the host's."""
    return {
        "PATH": f"{runtime.executable.parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": HOME,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "USER": "sandbox",
        **runtime.environment(),
        **user_env,
    }
