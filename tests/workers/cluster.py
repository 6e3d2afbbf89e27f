"""Real processes of a distributed install on this machine, pointed at the test database:
`manage.py sandbox_worker` processes and a Daphne web server.

They see what the test commits (the tests use transactional databases), share the test's
Redis for live output, and run with short heartbeat and stall windows so that a dead
worker is found in seconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from harness.appserver import DAPHNE, PYTHON, ROOT, free_port
from sandboxes.runs.start import execution_start
from tests.waiting import wait_for, wait_for_status

HEARTBEAT_SECONDS = 0.5
# Ten heartbeats: a worker that is alive but starved on a loaded machine is not lost.
STALL_SECONDS = 5.0

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))

# Every test of this folder: real PostgreSQL (the job queue), real Redis (live output
# between processes), real sandboxes.
requires_cluster = [
    pytest.mark.postgres,
    pytest.mark.sandbox,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not ON_POSTGRES, reason="distributed workers need PostgreSQL (DATABASE_URL=postgres://)"
    ),
    pytest.mark.skipif(
        not REDIS_URL, reason="live output between processes needs Redis (REDIS_URL)"
    ),
]


def cluster_env(data_dir: Path) -> dict[str, str]:
    """The environment of every process: the test database, this test's settings."""
    name = connection.settings_dict["NAME"]
    if "/" in name:  # DATABASE_URL cannot name it
        pytest.fail(f"The PostgreSQL test database is named like a file, {name!r}: see TEST.")
    database_url = urlunsplit(urlsplit(DATABASE_URL)._replace(path=f"/{name}"))
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "SANDBOX_DISPATCHER": "distributed",
        "SECRET_KEY": settings.SECRET_KEY,  # the same key opens the sealed variables
        "DATA_DIR": str(data_dir),
        # What runs produce is written by the workers and read here: the test's own folder.
        "STORAGE_URL": f"file://{settings.STORAGES['blobs']['OPTIONS']['location']}",
        "SANDBOX_WORKER_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "SANDBOX_WORKER_STALL_SECONDS": str(STALL_SECONDS),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "false",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }


class Process:
    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log_path = log
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, ready: Callable[[], bool]) -> None:
        def answered() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited:\n{self.log}")
            return ready()

        wait_for(answered, f"{self.name} to be ready (its log: {self.log_path})")

    def handles(self, signum: int) -> bool:
        """Whether the process has installed a handler of its own for `signum`."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
        return bool(int(caught.split()[1], 16) & (1 << (signum - 1)))

    def kill(self) -> None:
        """kill -9: no shutdown, no goodbye to the database."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def terminate(self, timeout: float = 30) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.terminate(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Worker(Process):
    def __init__(
        self,
        name: str,
        env: dict[str, str],
        folder: Path,
        *,
        concurrency: int,
        shutdown: float,
        extra: list[str] = (),
    ) -> None:
        args = [str(PYTHON), "manage.py", "sandbox_worker", "--name", name]
        args += ["--concurrency", str(concurrency), "--shutdown-timeout", str(shutdown), *extra]
        super().__init__(name, args, env, folder / f"{name}.log")

    def wait_started(self) -> None:
        self.wait_ready(lambda: "Starting worker on queues sandboxes" in self.log)
        # Procrastinate installs its SIGTERM handler just after saying so; a signal in
        # between would find the default action (an immediate exit).
        wait_for(lambda: self.handles(signal.SIGTERM), f"{self.name} to handle SIGTERM")

    def started(self, execution_id) -> int:
        """How many times this worker started the execution's job."""
        return sum(
            1
            for line in self.log.splitlines()
            if line.startswith("Starting job") and str(execution_id) in line
        )


class WebServer(Process):
    """Daphne serving the app, as a web node does."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [str(DAPHNE), "-b", "127.0.0.1", "-p", str(self.port), "config.asgi:application"]
        super().__init__("daphne", args, env, folder / "daphne.log")

    def wait_started(self) -> None:
        # The first request also binds the dispatcher (and its stalled-worker watch).
        self.wait_ready(self._answers)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/openapi.json", timeout=1) as answer:
                return answer.status == 200
        except OSError:
            return False


def start_run(user, code: str, **kwargs):
    """A Python run recorded and enqueued (committed) as the web side does it."""
    return execution_start(
        user=user, runtime="python", files={"main.py": code.encode()}, entry="main.py", **kwargs
    )


# A run that says it started, then goes on for a minute unless something stops it.
LONG = "import time\nprint('started', flush=True)\ntime.sleep(60)\nprint('never')\n"


def running_with_output(execution):
    """The execution, read again, once it runs and its program has printed a whole line
    (an unbuffered print may reach the pipe as two writes, "started" then its newline,
    stored a batch apart)."""
    execution = wait_for_status(execution, "running")
    wait_for(lambda: output_of(execution).endswith("\n"), f"run {execution.pk} to print a line")
    return execution


def output_of(execution) -> str:
    return "".join(execution.chunks.values_list("data", flat=True))
