"""Where the engine's cgroup v2 sub-hierarchy goes, inside the cgroup it was given.

cgroup v2 hands a controller down only to children of a cgroup that holds no process
itself ("no internal processes"), and only if its own parent handed it down. systemd
hands cpu, memory and pids to a unit's cgroup when the unit says `Delegate=yes` (a
service, or a scope from `systemd-run --scope -p Delegate=yes`); a login shell's session
scope gets memory and pids at most. So, inside the delegated cgroup D:

    D/                      subtree_control: +cpu +memory +pids
    D/server/               the server's own processes (a leaf)
    D/<name>/               the engine's sub-hierarchy (subtree_control: the same three)
    D/<name>/run-<pid>-<id> one run

D is the server's own cgroup, or its parent when the server already sits in D/server
(started there by scripts/start, or an earlier engine in the same process): a restart
never nests another level. The engine moves only itself and processes it started into
D/server; anything else in D means D was not given to the server alone, and it refuses.

Every path is read under `root` (normally "/"), so tests can hand it a folder that
models /proc and /sys/fs/cgroup.
"""

from __future__ import annotations

from pathlib import Path

from .errors import EngineUnavailable

CONTROLLERS = ("cpu", "memory", "pids")
LEAF = "server"
HOW_TO_DELEGATE = (
    "start it in a cgroup delegated to it: in its systemd unit, `Delegate=yes` under "
    "[Service] (docs/deployment.md); from a shell, `systemd-run --scope -p Delegate=yes -- "
    "<command>` (scripts/start and scripts/test do this themselves)"
)


def mount(root: Path) -> Path | None:
    """The cgroup2 mount, if it offers every controller the engine needs; else None."""
    for line in (root / "proc/self/mountinfo").read_text().splitlines():
        fields = line.split(" - ")
        if len(fields) == 2 and fields[1].startswith("cgroup2 "):
            path = root / fields[0].split()[4].lstrip("/")
            controllers = (path / "cgroup.controllers").read_text().split()
            if all(c in controllers for c in CONTROLLERS):
                return path
    return None


def own_path(root: Path) -> str:
    """This process's cgroup v2 path ("/system.slice/x.service")."""
    for line in (root / "proc/self/cgroup").read_text().splitlines():
        if line.startswith("0::"):
            return line[3:]
    raise EngineUnavailable("this process has no cgroup v2 path in /proc/self/cgroup")


def _words(path: Path) -> list[str]:
    try:
        return path.read_text().split()
    except FileNotFoundError:
        return []


def _is_root(group: Path) -> bool:
    """The hierarchy's root cgroup may hold processes and hand controllers down at once."""
    return not (group / "cgroup.type").exists()


def _parent_pid(root: Path, pid: int) -> int | None:
    try:
        status = (root / f"proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    for line in status.splitlines():
        if line.startswith("PPid:"):
            return int(line.split()[1])
    return None


def _started_by(root: Path, pid: int, ancestor: int) -> bool:
    """Whether `pid` is `ancestor` or one of its descendants."""
    seen = set()
    current: int | None = pid
    while current and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = _parent_pid(root, current)
    return False


def _missing_controllers(root: Path, group: Path, display: str, missing: list[str]) -> str:
    names = " and ".join(missing)
    plural = "controllers are" if len(missing) > 1 else "controller is"
    offered = " ".join(_words(group / "cgroup.controllers")) or "none"
    message = (
        f"the cgroup v2 {names} {plural} not delegated to the server's cgroup {display} "
        f"(it has: {offered}), so run limits cannot be enforced. "
    )
    if (root / "run/systemd/system").is_dir():
        return message + f"The server must {HOW_TO_DELEGATE}."
    parent = group.parent
    return message + (
        f"Enable {'them' if len(missing) > 1 else 'it'} in its parent: "
        f"`echo '{' '.join('+' + c for c in missing)}' > {parent}/cgroup.subtree_control`"
        f" (and in that cgroup's parents, if they lack {'them' if len(missing) > 1 else 'it'})."
    )


def delegated_cgroup(root: Path, mount: Path, own: str, pid: int) -> Path:
    """The cgroup D given to the server, with the controllers handed down to its children
    and the server's processes in D/server; raises EngineUnavailable saying what to change."""
    group = mount / own.lstrip("/")
    if group.name == LEAF and not _is_root(group):
        group, display = group.parent, own.rsplit("/", 1)[0] or "/"
    else:
        display = own
    available = _words(group / "cgroup.controllers")
    missing = [c for c in CONTROLLERS if c not in available]
    if missing:
        raise EngineUnavailable(_missing_controllers(root, group, display, missing))
    enabled = _words(group / "cgroup.subtree_control")
    if all(c in enabled for c in CONTROLLERS):
        return group
    wanted = " ".join(f"+{c}" for c in CONTROLLERS)
    if not _is_root(group):
        pids = [int(p) for p in _words(group / "cgroup.procs")]
        strangers = [p for p in pids if not _started_by(root, p, pid)]
        if strangers:
            raise EngineUnavailable(
                f"the server's cgroup {display} also holds processes it did not start "
                f"(pid {', '.join(map(str, strangers[:5]))}), so it cannot hand cpu, memory "
                f"and pids down to its runs. The server must {HOW_TO_DELEGATE}."
            )
        leaf = group / LEAF
        try:
            leaf.mkdir(exist_ok=True)
            for moved in pids:
                (leaf / "cgroup.procs").write_text(str(moved))
        except OSError as error:
            raise EngineUnavailable(
                f"cannot move the server into {leaf} ({error.strerror}). "
                f"The server must {HOW_TO_DELEGATE}."
            ) from error
    try:
        (group / "cgroup.subtree_control").write_text(wanted)
    except OSError as error:
        raise EngineUnavailable(
            f"cannot enable {wanted} in {group}/cgroup.subtree_control ({error.strerror}). "
            f"The server must {HOW_TO_DELEGATE}."
        ) from error
    return group
