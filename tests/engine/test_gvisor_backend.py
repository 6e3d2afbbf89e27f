"""The gVisor backend: the same runs as under bubblewrap, in gVisor's own kernel (runsc).

Where gVisor behaves differently from bubblewrap, the test says so in its name or comment.
The whole attack suite runs on gVisor too (conftest.py's `isolation`); these tests are the
gVisor-specific ones.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sandboxes.engine import CancelToken, EngineUnavailable, Limits, RunSpec, SandboxFailed, gvisor
from sandboxes.engine.runtimes import Runtime
from tests.waiting import wait_for

pytestmark = [pytest.mark.sandbox, pytest.mark.gvisor]

REPO = Path(__file__).resolve().parents[2]
OUR_RUNS = f"{os.getpid()}-"  # run ids start with the engine's pid (this test process)


def this_engines_runsc_processes() -> list[int]:
    """runsc and everything it started (sentry, gofer, ptrace stubs) for this engine's runs."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            cgroups = (entry / "cgroup").read_text()
        except OSError:
            continue
        if f"/gvisor/containers/{OUR_RUNS}" in cmdline or f"/run-{OUR_RUNS}" in cgroups:
            found.append(int(entry.name))
    return found


def this_engines_gvisor_folders(engine) -> list[Path]:
    base = gvisor.gvisor_dir(engine.config.scratch_dir)
    return [
        path
        for folder in ("containers", "runs")
        for path in (base / folder).iterdir()
        if path.name.startswith(OUR_RUNS)
    ]


@pytest.fixture(autouse=True)
def nothing_is_left_behind(engine):
    """After every run, whatever its end: no runsc process, no bundle, state or workspace."""
    yield
    assert this_engines_runsc_processes() == []
    assert this_engines_gvisor_folders(engine) == []


@pytest.fixture
def isolation() -> str:
    """Each test here runs once, on gVisor (or names its backend): not on both backends."""
    return "gvisor"


@pytest.fixture
def run_gvisor(run):
    def run_gvisor(code: str, runtime: str = "python", **kwargs):
        return run(code, runtime, isolation="gvisor", **kwargs)

    return run_gvisor


def spec(code: str, **limits) -> RunSpec:
    return RunSpec(
        runtime="python",
        files={"main.py": code.encode()},
        entry="main.py",
        isolation="gvisor",
        limits=Limits(**{"timeout_seconds": 10, **limits}),
    )


# --- running ------------------------------------------------------------------------------


def test_a_python_hello_world_runs_on_the_real_interpreter(run_gvisor):
    outcome = run_gvisor("import sys; print('hello', sys.version.split()[0])")

    assert outcome.status == "succeeded", outcome.stderr
    assert outcome.stdout == f"hello {outcome.result.runtime_version}\n"
    assert outcome.result.exit_code == 0


def test_a_node_hello_world_runs_on_the_real_interpreter(run_gvisor):
    outcome = run_gvisor("console.log('hello', process.version)", "node")

    assert outcome.status == "succeeded", outcome.stderr
    assert outcome.stdout == f"hello v{outcome.result.runtime_version}\n"


def test_bubblewrap_runs_are_unchanged_and_remain_the_default(run):
    outcome = run("import socket; print('hello', socket.gethostname())", isolation="bwrap")

    assert outcome.status == "succeeded", outcome.stderr
    assert outcome.stdout == "hello sandbox\n"
    assert RunSpec(runtime="python", files={"a.py": b""}, entry="a.py").isolation == "bwrap"


def test_the_exit_code_and_stderr_are_the_programs(run_gvisor):
    outcome = run_gvisor("import sys; print('out'); sys.stderr.write('oops\\n'); sys.exit(3)")

    assert outcome.status == "failed"
    assert (outcome.result.exit_code, outcome.result.signal) == (3, None)
    assert (outcome.stdout, outcome.stderr) == ("out\n", "oops\n")


def test_a_death_by_signal_is_reported_as_the_signal(run_gvisor):
    outcome = run_gvisor("import os, signal; os.kill(os.getpid(), signal.SIGTERM)")

    assert outcome.status == "failed"
    assert (outcome.result.exit_code, outcome.result.signal) == (128 + 15, 15)


def test_stdin_reaches_the_program(run_gvisor):
    outcome = run_gvisor("import sys; print(sys.stdin.read().upper())", stdin=b"piped")

    assert outcome.stdout == "PIPED\n"


def test_files_the_program_creates_or_deletes_are_reported(run_gvisor):
    outcome = run_gvisor(
        "import os\n"
        "os.makedirs('out/deep')\n"
        "open('out/deep/result.txt', 'w').write('42')\n"
        "open('/tmp/scratch.txt', 'w').write('not in the workspace')\n"
        "os.remove('input.txt')\n",
        files={"input.txt": b"data"},
    )

    assert outcome.status == "succeeded", outcome.stderr
    assert outcome.result.files == {"out/deep/result.txt": b"42"}
    assert outcome.result.deleted_files == ("input.txt",)


def test_the_program_runs_as_the_sandbox_user_in_the_workspace(run_gvisor):
    outcome = run_gvisor(
        "import os, pwd, socket\n"
        "print(os.getuid(), os.getgid(), pwd.getpwuid(os.getuid()).pw_name, os.getcwd(),"
        " socket.gethostname(), os.environ['HOME'], sorted(os.environ))\n"
    )

    assert outcome.stdout.startswith("1000 1000 sandbox /workspace sandbox /tmp ")
    assert "PWD" not in outcome.stdout and "DJANGO_SETTINGS_MODULE" not in outcome.stdout


def test_a_program_can_start_threads_and_processes(run_gvisor):
    # Regression: this runsc answers EPERM for every seccomp denial, and an EPERM for
    # clone3 (instead of ENOSYS) would make every thread start fail.
    outcome = run_gvisor(
        "import subprocess, threading\n"
        "threads = [threading.Thread(target=print, args=('thread',)) for _ in range(20)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(subprocess.run(['/bin/echo', 'child'], capture_output=True, text=True).stdout)\n"
    )

    assert outcome.status == "succeeded", outcome.stderr
    assert outcome.stdout.count("thread") == 20 and "child" in outcome.stdout


# --- isolation ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/etc/shadow", str(REPO / "config" / "settings.py"), "/root"])
def test_a_program_cannot_read_host_files(run_gvisor, path):
    assert Path(path).exists()

    outcome = run_gvisor(
        "import os\n"
        f"path = {path!r}\n"
        "try:\n"
        "    print(open(path).read()[:50] if os.path.isfile(path) else os.listdir(path))\n"
        "except OSError as error:\n"
        "    print('blocked', error.strerror)\n"
    )

    assert outcome.stdout == "blocked No such file or directory\n"


def test_only_the_workspace_tmp_and_dev_shm_are_writable(run_gvisor):
    outcome = run_gvisor(
        "import os\n"
        "from multiprocessing import shared_memory\n"
        "for folder in ('/workspace', '/tmp', '/dev/shm', '/', '/dev', '/etc', '/usr'):\n"
        "    try:\n"
        "        open(os.path.join(folder, 'probe'), 'w').close()\n"
        "        print(folder, 'writable')\n"
        "    except OSError:\n"
        "        print(folder, 'read-only')\n"
        "memory = shared_memory.SharedMemory(create=True, size=4096)\n"
        "memory.buf[:2] = b'ok'\n"
        "same = shared_memory.SharedMemory(memory.name)\n"
        "print(bytes(same.buf[:2]).decode())\n"
        "same.close(), memory.close(), memory.unlink()\n"
    )

    assert outcome.stdout.splitlines() == [
        "/workspace writable",
        "/tmp writable",
        "/dev/shm writable",
        "/ read-only",
        "/dev read-only",
        "/etc read-only",
        "/usr read-only",
        "ok",
    ], outcome.stderr


@pytest.mark.parametrize("folder", ["/workspace", "/tmp", "/dev/shm"])
def test_the_disk_limit_covers_every_writable_folder(run_gvisor, folder):
    outcome = run_gvisor(
        "import errno\n"
        "try:\n"
        f"    with open('{folder}/big', 'wb') as file:\n"
        "        for _ in range(64):\n"
        "            file.write(b'x' * 1024 * 1024)\n"
        "    print('WROTE IT ALL')\n"
        "except OSError as error:\n"
        "    print(errno.errorcode[error.errno])\n",
        disk_bytes=16 * 1024 * 1024,
    )

    assert outcome.stdout == "ENOSPC\n", outcome.stderr


def test_a_program_cannot_reach_the_network(run_gvisor):
    outcome = run_gvisor(
        "import socket\n"
        "for address in [('127.0.0.1', 5432), ('10.0.0.1', 80), ('169.254.169.254', 80)]:\n"
        "    try:\n"
        "        socket.create_connection(address, timeout=2)\n"
        "        print('CONNECTED', address)\n"
        "    except OSError as error:\n"
        "        print('blocked', error.errno)\n"
        "try:\n"
        "    socket.getaddrinfo('example.com', 80)\n"
        "    print('RESOLVED')\n"
        "except OSError:\n"
        "    print('no dns')\n"
    )

    assert "CONNECTED" not in outcome.stdout and "RESOLVED" not in outcome.stdout
    assert outcome.stdout.count("blocked") == 3 and "no dns" in outcome.stdout


def test_the_seccomp_filter_applies_inside_gvisor(run_gvisor):
    outcome = run_gvisor(
        "import errno, os\n"
        "for flag in (os.CLONE_NEWUSER, os.CLONE_NEWNET):\n"
        "    try:\n"
        "        os.unshare(flag)\n"
        "        print('UNSHARED')\n"
        "    except OSError as error:\n"
        "        print(errno.errorcode[error.errno])\n"
    )

    assert outcome.stdout == "EPERM\nEPERM\n"


def test_runsc_gets_no_host_variable_and_runs_in_the_runs_cgroup(engine):
    """runsc runs as root on the host: it must inherit nothing, and be counted and killed
    with the run (its sentry and gofer too)."""
    cancel = CancelToken()
    result = {}
    thread = threading.Thread(
        target=lambda: result.update(
            run=engine.run_sync(spec("import time; print('up', flush=True); time.sleep(20)"),
                                on_output=lambda *_: seen.set(), cancel=cancel)
        )
    )  # fmt: skip
    seen = threading.Event()
    thread.start()
    try:
        assert seen.wait(10)
        pids = this_engines_runsc_processes()
        environments = {pid: Path(f"/proc/{pid}/environ").read_bytes() for pid in pids}
        cgroups = [Path(f"/proc/{pid}/cgroup").read_text() for pid in pids]
    finally:
        cancel.cancel()
        thread.join(10)

    assert len(pids) >= 3  # runsc, the gofer, the sentry (and its ptrace stubs)
    assert set(environments.values()) == {b""}
    assert all(f"/run-{OUR_RUNS}" in text for text in cgroups)
    assert result["run"].status == "cancelled"


# --- limits -------------------------------------------------------------------------------
# The wall-clock and CPU limits and cancelling are tested on both backends (test_time_limits,
# test_cancel); these are the limits that gVisor enforces its own way.


def test_a_memory_bomb_is_oom_killed(run_gvisor):
    # gVisor: the cgroup OOM killer kills the sentry, so the whole sandbox dies at once
    # (exit status 137); runsc's own memory (~20 MiB) counts against the limit.
    outcome = run_gvisor(
        "chunks = []\nwhile True:\n    chunks.append(bytearray(8 * 1024 * 1024))",
        memory_bytes=128 * 1024 * 1024,
    )

    assert outcome.status == "oom_killed"
    assert not outcome.result.ok


def test_the_process_limit_is_enforced_inside_gvisor(run_gvisor):
    # gVisor's own pids controller (config.json); the host cgroup only bounds runsc's threads.
    outcome = run_gvisor(
        "import os, time\n"
        "started = 0\n"
        "try:\n"
        "    for _ in range(100):\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(2)\n"
        "            os._exit(0)\n"
        "        started += 1\n"
        "except OSError as error:\n"
        "    print('refused', error.strerror)\n"
        "print(started)\n",
        max_processes=10,
    )

    assert outcome.status == "succeeded", outcome.stderr
    assert outcome.stdout == "refused Resource temporarily unavailable\n9\n"


def test_the_output_limit_ends_the_run(run_gvisor):
    outcome = run_gvisor("while True: print('x' * 1000)", output_bytes=10_000)

    assert outcome.status == "output_limited"
    assert outcome.result.output_truncated
    assert len(outcome.stdout) == 10_000


# --- failing closed and cleaning up ---------------------------------------------------------


def test_without_runsc_a_gvisor_run_is_refused_never_run_under_bubblewrap(engine, monkeypatch):
    missing = dataclasses.replace(engine.gvisor.host.config, runsc="/nonexistent/runsc")
    monkeypatch.setattr(
        engine.gvisor, "host", dataclasses.replace(engine.gvisor.host, config=missing)
    )

    with pytest.raises(EngineUnavailable, match=r"install it with `apt-get install runsc`"):
        engine.run_sync(spec("open('ran', 'w')"))


def test_when_runsc_itself_fails_the_run_raises_sandbox_failed(engine, monkeypatch):
    monkeypatch.setattr(Runtime, "command", lambda self, entry, argv: ["/nonexistent/program"])

    with pytest.raises(SandboxFailed, match="/nonexistent/program"):
        engine.run_sync(spec("print('never')"))


ENGINE_IN_A_CHILD_PROCESS = """\
import sys
import django
django.setup()  # the engine's observer (operations' metrics) reads models
from sandboxes.engine import Engine, Limits, RunSpec
from sandboxes.engine_config import engine_config

spec = RunSpec(
    runtime="python",
    files={"main.py": b"import time\\nprint('running', flush=True)\\ntime.sleep(600)"},
    entry="main.py",
    isolation="gvisor",
    limits=Limits(timeout_seconds=600),  # a loaded machine starts gVisor slowly
)
Engine(engine_config()).run_sync(
    spec, on_output=lambda _stream, data: (sys.stdout.buffer.write(data), sys.stdout.flush())
)
"""


def runsc_processes_of(engine_pid: int) -> list[int]:
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and f"/gvisor/containers/{engine_pid}-".encode() in _cmdline(entry)
    ]


def _cmdline(entry: Path) -> bytes:
    try:
        return (entry / "cmdline").read_bytes()
    except OSError:
        return b""


def test_when_the_engine_dies_its_gvisor_run_dies_and_the_next_prepare_cleans_up(engine):
    child = subprocess.Popen(
        [sys.executable, "-c", ENGINE_IN_A_CHILD_PROCESS],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "DJANGO_SETTINGS_MODULE": "config.settings"},
        stdout=subprocess.PIPE,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == b"running\n"
        assert runsc_processes_of(child.pid)
    finally:
        child.kill()
        child.wait()

    # runsc dies with its engine (the kernel tells it: it is not left running).
    wait_for(lambda: runsc_processes_of(child.pid) == [], "runsc to die with its engine")

    engine.cgroups.remove_stale()
    gvisor.prepare(engine.config.scratch_dir, engine.runtimes.runtimes.values())

    base = gvisor.gvisor_dir(engine.config.scratch_dir)
    assert not list((base / "containers").glob(f"{child.pid}-*"))
    assert not list((base / "runs").glob(f"{child.pid}-*"))


def test_prepare_removes_what_a_dead_engine_left_and_keeps_live_runs(engine):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    base = gvisor.gvisor_dir(engine.config.scratch_dir)
    stale = [
        base / "containers" / f"{dead.pid}-stale" / "state",
        base / "runs" / f"{dead.pid}-stale" / "fs",
    ]
    live = base / "containers" / f"{OUR_RUNS}live"
    for folder in [*stale, live]:
        folder.mkdir(parents=True)
    (stale[0] / "sandbox.state").write_text("{}")
    try:
        gvisor.prepare(engine.config.scratch_dir, engine.runtimes.runtimes.values())

        assert not any(folder.parent.exists() for folder in stale)
        assert live.is_dir()
    finally:
        live.rmdir()
