"""The cases scripts/cgroup2-guest runs, in one process (Django starts once: under software
emulation each start costs minutes). `python scripts/lib/cgroup2_guest_cases.py OUT [--runs-only]`
writes OUT/results, one "NN case|ok: figures" or "NN case|FAIL: why" per line.

In the guest (a cgroup2-only hierarchy, every process in the root cgroup, no systemd), it
builds the tree systemd would and moves itself (and its parent shell, the "stranger") between
cgroups, making a new engine for each case. With --runs-only (on the host, for the
comparison), it runs only the sandboxed cases, where it is.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from sandboxes.engine import Engine, EngineUnavailable, Limits, RunSpec  # noqa: E402
from sandboxes.engine.cgroups import Cgroups  # noqa: E402
from sandboxes.engine_config import engine_config  # noqa: E402

CG = Path("/sys/fs/cgroup")
UNIT = CG / "system.slice/codesandboxes.scope"
MiB = 1 << 20

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
results = out / "results"
results.write_text("")


def result(name: str, ok: bool, text: str) -> None:
    line = f"{name}|{'ok' if ok else 'FAIL'}: {' '.join(text.split())[:160]}"
    with results.open("a") as file:
        file.write(line + "\n")
    print(line.replace("|", ": ", 1), flush=True)


def move(pid: int, group: Path) -> None:
    (group / "cgroup.procs").write_text(str(pid))


def prepared_engine() -> Engine:
    engine = Engine(engine_config())
    engine.prepare()
    return engine


def refusal() -> str:
    try:
        prepared_engine()
    except EngineUnavailable as error:
        return str(error)
    return ""


RUNS = [
    # (id, name, program, limits, expected status, expected last line of output or "")
    ("10", "hello world", "print('hello')", {}, "succeeded", "hello"),
    (
        "11",
        "peak memory of a 100 MiB string",
        "data = b'x' * (100 << 20); print(len(data) >> 20)",
        {},
        "succeeded",
        "100",
    ),
    (
        "12",
        "over the memory limit (64 MiB)",
        "data = b'x' * (200 << 20)",
        {"memory_bytes": 64 * MiB},
        "oom_killed",
        "",
    ),
    (
        "13",
        "a fork bomb meets the process limit (64)",
        "import errno, os, time\n"
        "try:\n"
        "    while True:\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(30)\n"
        "            os._exit(0)\n"
        "except OSError as error:\n"
        "    print('refused:', errno.errorcode[error.errno])\n",
        {},
        "succeeded",
        "refused: EAGAIN",
    ),
    (
        "14",
        "CPU spin until the CPU limit (2 s)",
        "while True: pass",
        {"cpu_seconds": 2, "timeout_seconds": 120},
        "timed_out",
        "",
    ),
]


def run_cases(engine: Engine) -> None:
    for case_id, name, program, limits, status, last in RUNS:
        chunks: list[bytes] = []
        spec = RunSpec(
            runtime="python",
            files={"main.py": program.encode()},
            entry="main.py",
            limits=Limits(**{"timeout_seconds": 120, **limits}),
        )
        started = time.monotonic()
        run = engine.run_sync(spec, on_output=lambda stream, data, sink=chunks: sink.append(data))
        lines = b"".join(chunks).decode(errors="replace").strip().splitlines()
        said = lines[-1] if lines else ""
        figures = (
            f"{run.status.value}, peak {run.peak_memory_bytes / MiB:.0f} MiB, "
            f"cpu {run.cpu_seconds * 1000:.0f} ms" + (f', says "{said[:30]}"' if said else "")
        )
        ok = run.status.value == status and (not last or said == last)
        result(f"{case_id} {name}", ok, figures)
        print(f"   ({time.monotonic() - started:.1f} s)", flush=True)


if "--runs-only" in sys.argv:
    run_cases(prepared_engine())
    sys.exit(0)

me, shell = os.getpid(), os.getppid()
result("00 cgroup v2 mounted", True, f"root offers {(CG / 'cgroup.controllers').read_text()}")

# systemd's stock set-up: the root hands only memory and pids down; a root shell (and what
# it starts) lives in a session scope.
(CG / "cgroup.subtree_control").write_text("+memory +pids")
session = CG / "user.slice/session-1.scope"
session.mkdir(parents=True, exist_ok=True)
(CG / "user.slice/cgroup.subtree_control").write_text("+memory +pids")
move(shell, session)
move(me, session)
check = io.StringIO()
call_command("check", stdout=check, stderr=check)
text = check.getvalue()
wanted = "cpu controller is not delegated to the server's cgroup /user.slice/session-1.scope"
result(
    "01 stock systemd set-up: check names cpu",
    wanted in text and "or root" not in text and "scripts/setup" not in text,
    text[text.find("cpu controller") :] if wanted in text else text[-300:],
)
message = refusal()
result("02 stock systemd set-up: runs refused", wanted in message, message[:160])

# A unit with Delegate=yes: cpu handed down to it. First the shell is in it too (a process
# the server did not start), then the shell and the server are in its leaf, as
# scripts/lib/delegate.sh leaves them.
(CG / "cgroup.subtree_control").write_text("+cpu")
(CG / "system.slice").mkdir(exist_ok=True)
(CG / "system.slice/cgroup.subtree_control").write_text("+cpu +memory +pids")
UNIT.mkdir(exist_ok=True)
move(shell, UNIT)
move(me, UNIT)
message = refusal()
result(
    "03 a process it did not start: refused, not moved",
    f"did not start (pid {shell})" in message and not (UNIT / "server").exists(),
    message[:160],
)
(UNIT / "server").mkdir()
move(shell, UNIT / "server")
move(me, UNIT / "server")
(UNIT / "cgroup.subtree_control").write_text("+cpu +memory +pids")
check = io.StringIO()
call_command("check", stdout=check, stderr=check)
text = check.getvalue()
unavailable = text.find("Sandboxes are unavailable")
result(
    "04 delegated: check",
    unavailable < 0,
    text[unavailable : unavailable + 400] if unavailable >= 0 else "no sandbox warning",
)
try:
    engine = prepared_engine()
except EngineUnavailable as error:
    result("10 the runs", False, f"the engine refused: {error}")
    sys.exit(1)
run_cases(engine)

# Restarts: the engine's cgroups found again from the same leaf, as each new engine does
# (a whole engine start costs minutes under emulation), reuse the one sub-hierarchy.
for _ in range(3):
    Cgroups(engine.config.cgroup_name)
tree = sorted(str(p.relative_to(UNIT)) for p in UNIT.rglob("*") if p.is_dir())
tree = [p for p in tree if "/run-" not in p]
result(
    "20 restarts reuse one sub-hierarchy",
    tree == ["codesandboxes", "server"]
    and (
        Path("/proc/self/cgroup").read_text().strip()
        == "0::/system.slice/codesandboxes.scope/server"
    ),
    " ".join(tree),
)

# A killed engine: a process of its run is still in the run's cgroup; the next engine kills
# it and removes the cgroup.
crashed = subprocess.Popen(
    [
        sys.executable,
        "-c",
        "import os, subprocess, sys, time\n"
        "sys.path.insert(0, '.')\n"
        "from sandboxes.engine.cgroups import Cgroups\n"
        "run = Cgroups('codesandboxes').create(f'{os.getpid()}-crashed')\n"
        "left = subprocess.Popen(['sleep', '600'], start_new_session=True)\n"
        "run.attach(left.pid)\n"
        "print(left.pid, run.path, flush=True)\n"
        "time.sleep(600)\n",
    ],
    stdout=subprocess.PIPE,
    text=True,
    cwd=Path(__file__).resolve().parents[2],
)
left_pid, run_path = crashed.stdout.readline().split()
os.kill(crashed.pid, signal.SIGKILL)
crashed.wait()
before = Path(run_path).is_dir()
prepared_engine()
time.sleep(0.5)
gone = not Path(run_path).exists()
result(
    "21 a killed engine's run cgroup is swept",
    before and gone,
    f"{Path(run_path).name} and its pid {left_pid}: " + ("gone" if gone else "still there"),
)
