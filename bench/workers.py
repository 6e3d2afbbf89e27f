"""Distributed workers: hello-world throughput with one worker process and with two, and
queue latency (enqueue to start) at that load.

    sudo .venv/bin/python bench/workers.py [--seconds 15] [--concurrency 4] [--in-flight 8]

Needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL, or 127.0.0.1's default ports). It
makes a throw-away database beside DATABASE_URL, migrates it, and acts as the web side:
it records runs with `execution_start` (SANDBOX_DISPATCHER=distributed, so each becomes a
Procrastinate job) and keeps `--in-flight` of them queued or running for `--seconds`,
while `manage.py sandbox_worker --concurrency N` processes on this machine run them.

- baseline: the bare interpreter, `--concurrency` copies at a time (subprocess, no sandbox,
  no database), measured in the same run;
- queue latency: from the run's `queued` to its `preparing` timestamp (the worker took it),
  so at `--in-flight` above the workers' slots it includes waiting for a free slot.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.appserver import PYTHON, PostgresDatabase  # noqa: E402
from harness.workers import start_workers, stop_workers  # noqa: E402

HELLO = "print('hello')\n"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"


def prepare(folder: Path) -> tuple[PostgresDatabase, dict[str, str]]:
    """A migrated throw-away database, and the environment of every process using it."""
    database = PostgresDatabase(os.environ.get("DATABASE_URL", POSTGRES_URL), "bench_workers")
    database.create()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database.url,
        "REDIS_URL": os.environ.get("REDIS_URL", REDIS_URL),
        "SANDBOX_DISPATCHER": "distributed",
        "DATA_DIR": str(folder),
        "LOG_LEVEL": "WARNING",
        "LOG_EVENTS_LEVEL": "WARNING",  # the benchmark prints a table, not event lines
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run([str(PYTHON), "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)  # this process too: it is the web side
    return database, env


# Django is set up once the throw-away database and DATA_DIR are in the environment: its
# settings read them. main() drops the database at the end.
FOLDER = Path(tempfile.mkdtemp(prefix="workers-bench-"))
DATABASE, ENV = prepare(FOLDER)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402

from accounts.models import User  # noqa: E402
from quotas.models import Quota, Tier  # noqa: E402
from sandboxes.models import Execution  # noqa: E402
from sandboxes.runs.start import execution_start  # noqa: E402


def load(user, seconds: float, in_flight: int) -> tuple[float, list[float], int]:
    """Keep `in_flight` runs queued or running for `seconds`: runs/s, queue latencies,
    runs that did not succeed."""

    def start() -> str:
        files = {"main.py": HELLO.encode()}
        return execution_start(user=user, runtime="python", files=files, entry="main.py").pk

    active = {start() for _ in range(in_flight)}
    done: list[str] = []
    began = time.perf_counter()
    deadline = began + seconds
    while active:
        time.sleep(0.01)
        ended = set(
            Execution.objects.filter(pk__in=active)
            .exclude(status__in=Execution.ACTIVE)
            .values_list("pk", flat=True)
        )
        active -= ended
        done += ended
        if time.perf_counter() < deadline:
            active |= {start() for _ in ended}
    elapsed = time.perf_counter() - began
    latencies, failed = [], 0
    for run in Execution.objects.filter(pk__in=done).only("status", "timeline"):
        if run.status != "succeeded":
            failed += 1
            continue
        latencies.append((run.reached_at("preparing") - run.reached_at("queued")).total_seconds())
    return len(done) / elapsed, latencies, failed


def bare(python: str, seconds: float, parallel: int) -> float:
    """Hello world with the bare interpreter, `parallel` at a time: runs/s."""

    def one(folder: str) -> None:
        (Path(folder) / "main.py").write_text(HELLO)
        subprocess.run([python, "main.py"], cwd=folder, capture_output=True, check=True)

    done = 0
    with tempfile.TemporaryDirectory() as folder, ThreadPoolExecutor(parallel) as pool:
        began = time.perf_counter()
        while time.perf_counter() - began < seconds:
            list(pool.map(one, [folder] * parallel))
            done += parallel
        return done / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15, help="Duration of each load.")
    parser.add_argument("--concurrency", type=int, default=4, help="Runs at once per worker.")
    parser.add_argument("--in-flight", type=int, default=8, help="Runs queued or running.")
    args = parser.parse_args()

    try:
        python = next(p for p in settings.SANDBOX_PYTHON if os.access(p, os.X_OK))
        user = User.objects.create_user("bench", "bench@example.com", "bench-password")
        tier = Tier.objects.create(
            name="bench",
            label="Bench",
            monthly_executions=None,
            compute_seconds=None,
            max_run_seconds=60,
            max_concurrent_runs=1000,
            ordering=99,
        )
        Quota.objects.filter(user=user).update(tier=tier)

        baseline = bare(python, args.seconds, args.concurrency)
        rows = []
        for count in (1, 2):
            workers = start_workers(count, args.concurrency, ENV, FOLDER)
            try:
                load(user, 2, args.in_flight)  # warm: launchers, connections
                rows.append((count, *load(user, args.seconds, args.in_flight)))
            finally:
                stop_workers(workers)
    finally:
        connections.close_all()
        DATABASE.drop()
        shutil.rmtree(FOLDER, ignore_errors=True)

    print(
        f"hello world, {args.in_flight} runs in flight for {args.seconds:g} s; "
        f"{args.concurrency} runs at once per worker; {os.cpu_count()} CPUs"
    )
    print(
        f"{'set-up':<24}{'runs/s':>8}{'ratio':>16}{'queue p50':>11}{'queue p95':>11}{'failed':>8}"
    )
    print(f"{'bare interpreter':<24}{baseline:>8.1f}{'1.00x bare':>16}{'-':>11}{'-':>11}{'-':>8}")
    one_worker = rows[0][1]
    for count, rate, latencies, failed in rows:
        p50 = statistics.median(latencies) * 1e3
        p95 = statistics.quantiles(latencies, n=20)[-1] * 1e3
        ratio = f"{rate / baseline:.2f}x bare" if count == 1 else f"{rate / one_worker:.2f}x 1 wkr"
        label = f"{count} worker{'s' if count > 1 else ''} x {args.concurrency}"
        print(f"{label:<24}{rate:>8.1f}{ratio:>16}{p50:>9.0f}ms{p95:>9.0f}ms{failed:>8}")


if __name__ == "__main__":
    main()
