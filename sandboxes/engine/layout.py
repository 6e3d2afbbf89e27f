"""The sandbox as the program sees it, whatever the backend: its files and environment.

Both backends render the same plan: bubblewrap as command-line flags (bwrap.py), gVisor as
OCI mounts (gvisor.py). Everything writable is in the run's size-limited tmpfs (the
workspace, /tmp and /dev/shm); everything else is read-only, the run's package environment
included (Python's at /packages/python, on PYTHONPATH; Node's at /node_modules, where both
`require` and `import` find it walking up from /workspace).
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
HOST_ETC_FILES = (
    "/etc/ssl",
    "/etc/ca-certificates",
    "/etc/localtime",
    "/etc/ld.so.cache",
    "/etc/fonts",  # fontconfig: matplotlib and Pillow find the system fonts
)
# Written once by the engine instead of exposing the host's: no host user or host name.
GENERATED_ETC_FILES = {
    "passwd": f"sandbox:x:{SANDBOX_UID}:{SANDBOX_UID}:sandbox:{HOME}:/usr/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    "group": f"sandbox:x:{SANDBOX_UID}:\nnogroup:x:65534:\n",
    "hosts": "127.0.0.1 localhost sandbox\n::1 localhost sandbox\n",
    "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files dns\n",
}


PYTHON_PACKAGES = "/packages/python"
NODE_MODULES = "/node_modules"
PACKAGE_MOUNT_POINTS = (PYTHON_PACKAGES, NODE_MODULES)


@dataclass(frozen=True)
class Bind:
    source: Path
    destination: str
    writable: bool = False


def binds(
    *,
    runtime: Runtime,
    workspace: Path,
    tmp: Path,
    shm: Path,
    etc_dir: Path,
    packages: Path | None = None,
) -> list[Bind]:
    """Host folders and files shown to the program, in mount order. `packages` is the
    run's package environment (see packages/store.py), if it has one."""
    plan = [Bind(Path("/usr"), "/usr")]
    plan += [Bind(Path(path), path) for path in HOST_ETC_FILES if Path(path).exists()]
    plan += [Bind(etc_dir / name, f"/etc/{name}") for name in GENERATED_ETC_FILES]
    if runtime.needs_mount:
        plan.append(Bind(runtime.root, str(runtime.root)))
    if packages is not None:
        plan.append(package_bind(runtime, packages))
    plan += [
        Bind(workspace, WORKDIR, writable=True),
        Bind(tmp, "/tmp", writable=True),
        Bind(shm, "/dev/shm", writable=True),
    ]
    return plan


def package_bind(runtime: Runtime, environment_dir: Path) -> Bind:
    if runtime.language == "python":
        return Bind(environment_dir / "python", PYTHON_PACKAGES)
    return Bind(environment_dir / "node" / "node_modules", NODE_MODULES)


def environment(
    runtime: Runtime, user_env: Mapping[str, str], *, packages: bool = False
) -> dict[str, str]:
    """The program's whole environment: nothing of the host's."""
    path = f"{runtime.executable.parent}:/usr/local/bin:/usr/bin:/bin"
    extra: dict[str, str] = {}
    if packages and runtime.language == "python":
        path = f"{PYTHON_PACKAGES}/bin:{path}"
        # matplotlib without a display: its non-GUI backend (its config and font cache go
        # to HOME, which is the run's writable /tmp).
        extra = {"PYTHONPATH": PYTHON_PACKAGES, "MPLBACKEND": "Agg"}
    elif packages:
        path = f"{path}:{NODE_MODULES}/.bin"
    return {
        "PATH": path,
        "HOME": HOME,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "USER": "sandbox",
        **runtime.environment(),
        **extra,
        **user_env,
    }
