"""The sandbox as the program sees it, whatever the backend: its files and environment.

Both backends render the same plan: bubblewrap as command-line flags (bwrap.py), gVisor as
OCI mounts (gvisor.py). Everything writable is in the run's size-limited tmpfs (the
workspace, /tmp and /dev/shm); everything else is read-only, the run's package environment
included (Python's at /packages/python, on PYTHONPATH; Node's at /node_modules, where both
`require` and `import` find it walking up from /workspace).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .runtimes import Runtime

SANDBOX_UID = 1000
HOME = "/tmp"
WORKDIR = "/workspace"
# Host files a program may need, read-only: certificates, the linker cache, fonts
# (fontconfig: matplotlib and Pillow find the system fonts), and netbase's service and
# protocol names (`getservbyname("http")`, `getaddrinfo(host, "http")`).
HOST_ETC_FILES = (
    "/etc/ssl",
    "/etc/ca-certificates",
    "/etc/ld.so.cache",
    "/etc/fonts",
    "/etc/services",
    "/etc/protocols",
)
LOCALTIME = "/etc/localtime"
ZONEINFO = "/usr/share/zoneinfo/"
# The users and groups a program can meet. The files name only ids mapped in the
# sandbox's user namespace, so chown or `subprocess(user=...)` to a named one fails as on
# any machine (EPERM), never with EINVAL: bubblewrap maps the program's own id alone;
# gVisor maps every id (its own kernel), root and nobody included.
SANDBOX_USER_LINE = f"sandbox:x:{SANDBOX_UID}:{SANDBOX_UID}:sandbox:{HOME}:/usr/sbin/nologin\n"
ROOT_USER_LINE = "root:x:0:0:root:/root:/usr/sbin/nologin\n"
NOBODY_USER_LINE = "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
# Written once by the engine instead of exposing the host's: no host user or host name.
GENERATED_ETC_FILES = {
    "passwd": SANDBOX_USER_LINE,
    "group": f"sandbox:x:{SANDBOX_UID}:\n",
    "hosts": "127.0.0.1 localhost sandbox\n::1 localhost sandbox\n",
    "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files dns\n"
    "services: files\nprotocols: files\n",
}
GVISOR_ETC_FILES = {
    **GENERATED_ETC_FILES,
    "passwd": ROOT_USER_LINE + SANDBOX_USER_LINE + NOBODY_USER_LINE,
    "group": f"root:x:0:\nsandbox:x:{SANDBOX_UID}:\nnogroup:x:65534:\n",
}


# The generated files' folders are named for this layout's version: an engine of another
# version on the same host (a rolling upgrade, a second checkout) keeps its own.
LAYOUT_VERSION = 2


def etc_dir(scratch: Path) -> Path:
    return scratch / f"etc-{LAYOUT_VERSION}"


def localtime_link() -> str | None:
    """Where the host's /etc/localtime points in zoneinfo (the sandbox gets the same link,
    so the zone's name reads from it, as `timedatectl` and zoneinfo-aware code expect), or
    None if it is not such a link."""
    try:
        target = os.readlink(LOCALTIME)
    except OSError:
        return None
    target = os.path.normpath(os.path.join("/etc", target))
    return target if target.startswith(ZONEINFO) and Path(target).is_file() else None


def symlinks() -> dict[str, str]:
    """Links made inside the sandbox (destination: target), after the binds."""
    target = localtime_link()
    return {} if target is None else {LOCALTIME: target}


def write_etc(folder: Path, files: Mapping[str, str]) -> None:
    """The generated /etc files of one backend, world-readable (bind-mounted read-only)."""
    folder.mkdir(mode=0o755, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(content)
        os.chmod(folder / name, 0o644)


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
    if localtime_link() is None and Path(LOCALTIME).exists():
        plan.append(Bind(Path(LOCALTIME), LOCALTIME))  # a copy: better than no zone at all
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
    runtime: Runtime, user_env: Mapping[str, str], *, packages: bool = False, cpus: int = 0
) -> dict[str, str]:
    """The program's whole environment: nothing of the host's. With `cpus`, Python's
    os.cpu_count() says that many (3.13's PYTHON_CPU_COUNT; process_cpu_count() and Node
    read the run's CPU affinity)."""
    path = f"{runtime.executable.parent}:/usr/local/bin:/usr/bin:/bin"
    extra: dict[str, str] = {}
    if packages and runtime.language == "python":
        path = f"{PYTHON_PACKAGES}/bin:{path}"
        # matplotlib without a display: its non-GUI backend (its config and font cache go
        # to HOME, which is the run's writable /tmp).
        extra = {"PYTHONPATH": PYTHON_PACKAGES, "MPLBACKEND": "Agg"}
    elif packages:
        path = f"{path}:{NODE_MODULES}/.bin"
    if cpus and runtime.language == "python":
        extra["PYTHON_CPU_COUNT"] = str(cpus)
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
