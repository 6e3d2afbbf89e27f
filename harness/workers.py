"""`sandbox_worker` processes on this machine, for the benchmarks that hand runs to them."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from harness.appserver import PYTHON, ROOT


def start_workers(count: int, concurrency: int, env: dict, folder: Path) -> list:
    workers = []
    for n in range(count):
        log = folder / f"worker-{n}.log"
        args = [str(PYTHON), "manage.py", "sandbox_worker", "--name", f"bench-{n}"]
        args += ["--concurrency", str(concurrency)]
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**env, "LOG_LEVEL": "INFO"},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        workers.append((process, log))
    for process, log in workers:
        deadline = time.monotonic() + 60
        while "Starting worker" not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"The worker did not start:\n{log.read_text()}")
            time.sleep(0.05)
    return workers


def stop_workers(workers: list) -> None:
    for process, _log in workers:
        process.terminate()
    for process, _log in workers:
        process.wait(timeout=60)
