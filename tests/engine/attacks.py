"""Helpers for the attack tests.

Each attack program reports every attempt on its own line, `blocked: <label>: <ERRNO>` when
the attempt failed and `LEAK: <label>: <value>` when it succeeded, so a test can tell a
blocked attack from a program that crashed before it tried.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sandboxes.engine import Limits, RunSpec
from sandboxes.engine.runtimes import entry_file

REPO = Path(__file__).resolve().parents[2]


def backends(*gvisor_marks: pytest.MarkDecorator) -> list:
    """The `isolation` params: bubblewrap, and gVisor (marked `gvisor`, and `gvisor_marks`)."""
    return [
        pytest.param("bwrap", id="bwrap"),
        pytest.param("gvisor", id="gvisor", marks=[pytest.mark.gvisor, *gvisor_marks]),
    ]


def on_both_backends(*, gvisor: pytest.MarkDecorator) -> pytest.MarkDecorator:
    """Parametrize `isolation` as conftest.py's fixture does, with a mark on the gVisor run:
    `pytest.mark.skip(reason="gVisor: ...")` where the property does not apply to gVisor,
    `pytest.mark.xfail(strict=True, reason="GVISOR GAP: ...")` where gVisor fails to keep it.
    """
    return pytest.mark.parametrize("isolation", backends(gvisor))


# Errors that mean "there is nothing of the host here" or "you may not".
NOT_REACHABLE = frozenset({"ENOENT", "EACCES", "EPERM"})
READ_ONLY = frozenset({"EROFS", "EACCES", "EPERM"})
REFUSED = frozenset({"ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH", "ETIMEDOUT", "TimeoutError"})
NO_NAME_SERVICE = frozenset({"EAI_AGAIN", "EAI_NONAME", "EAI_FAIL", "ENOTFOUND", "ECONNREFUSED"})

PYTHON_ATTEMPT = """\
import errno as _errno
import socket as _socket

_ERROR_NAMES = {
    **{getattr(_socket, name): name for name in dir(_socket) if name.startswith("EAI_")},
    **_errno.errorcode,
}


def attempt(label, action):
    try:
        value = action()
    except OSError as error:
        name = _ERROR_NAMES.get(error.errno, type(error).__name__)
        print(f"blocked: {label}: {name}", flush=True)
    else:
        print(f"LEAK: {label}: {value!r}"[:2000], flush=True)


"""

NODE_ATTEMPT = """\
async function attempt(label, action) {
  try {
    const value = await action();
    console.log(`LEAK: ${label}: ${String(value)}`.slice(0, 2000));
  } catch (error) {
    console.log(`blocked: ${label}: ${error.code ?? error.message}`);
  }
}
"""


def python_probe(body: str) -> str:
    """A Python program: the `attempt(label, action)` helper, then `body`."""
    return PYTHON_ATTEMPT + body


def node_probe(body: str) -> str:
    """A Node.js program: `await attempt(label, action)` is usable at the top of `body`."""
    return NODE_ATTEMPT + "(async () => {\n" + body + "\n})();\n"


ATTEMPT_LINE = re.compile(r"^(blocked|LEAK): (.+?): (.*)$", re.MULTILINE)


def attempts(output: str) -> dict[str, str]:
    """{label: errno name} of every attempt; a successful attempt maps to "LEAK: <value>"."""
    found = {}
    for verdict, label, detail in ATTEMPT_LINE.findall(output):
        found[label] = detail if verdict == "blocked" else f"LEAK: {detail}"
    return found


class OneOf:
    """Equal to any of the given values; reads well inside an `assert x == {...}`."""

    def __init__(self, *values: str | frozenset[str]) -> None:
        self.values: set[str] = set()
        for value in values:
            self.values |= {value} if isinstance(value, str) else set(value)

    def __eq__(self, other: object) -> bool:
        return other in self.values

    def __repr__(self) -> str:
        return f"OneOf({', '.join(sorted(self.values))})"


def make_spec(
    code: str,
    runtime: str = "python",
    *,
    files: dict[str, bytes] | None = None,
    entry: str | None = None,
    stdin: bytes = b"",
    env: dict[str, str] | None = None,
    argv: tuple[str, ...] = (),
    isolation: str = "bwrap",
    **limits: float,
) -> RunSpec:
    """The spec the `run` fixture would build, for tests that drive the engine themselves."""
    entry = entry or entry_file(runtime)
    return RunSpec(
        runtime=runtime,
        files={entry: code.encode(), **(files or {})},
        entry=entry,
        stdin=stdin,
        env=env or {},
        argv=argv,
        isolation=isolation,
        limits=Limits(**{"timeout_seconds": 10, **limits}),
    )


def unique_marker() -> str:
    return f"codesandboxes-marker-{secrets.token_hex(6)}"


def host_processes_with(marker: str) -> list[str]:
    """Command lines of the host's processes (other than this one) that contain `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # ended meanwhile
        if marker.encode() in cmdline:
            words = cmdline.replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{entry.name}: {words}")
    return found


def processes_left_by_runs(marker: str) -> list[str]:
    """Host processes that outlived this engine's runs (all of them must have ended).

    Those running `marker` (bubblewrap runs the program as a host process), and those still
    in a run's cgroup: under gVisor no host process shows the program's command line, but
    runsc, its gofer, its sentry and the sentry's ptrace stubs all live in that cgroup.
    """
    run_cgroup = f"/run-{os.getpid()}-"  # run ids start with the engine's pid
    found = set(host_processes_with(marker))
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if run_cgroup in (entry / "cgroup").read_text():
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                found.add(f"{entry.name}: {cmdline.decode(errors='replace')}")
        except OSError:
            continue  # ended meanwhile
    return sorted(found)


@contextmanager
def listening_tcp_socket() -> Iterator[int]:
    """A TCP port on the host's 127.0.0.1 that accepts connections; yields the port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


@contextmanager
def listening_abstract_socket() -> Iterator[str]:
    """An abstract unix socket on the host that accepts connections; yields its name."""
    name = f"\0codesandboxes-test-{secrets.token_hex(6)}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(name)
        server.listen()
        yield name


def host_can_connect(address: tuple[str, int] | str) -> bool:
    family = socket.AF_UNIX if isinstance(address, str) else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as client:
        client.settimeout(2)
        try:
            client.connect(address)
        except OSError:
            return False
    return True
