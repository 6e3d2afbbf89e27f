"""Hello world through the HTTP API: latency against the bare interpreter, and throughput.

    sudo .venv/bin/python bench/api_latency.py [--runs 30] [--clients 8] [--seconds 10]
                                               [--no-postgres]

For each server set-up, the embedded default (a SQLite file, the in-memory channel layer)
and PostgreSQL + Redis (when DATABASE_URL / REDIS_URL, or 127.0.0.1's default ports,
answer), the latter both with runs in the server process and with runs handed to one
`sandbox_worker` process (the distributed dispatcher), it serves the app with Daphne on
loopback over a throw-away database, creates an enterprise-tier API user and token with
`manage.py api_token`, then measures:

- latency: `POST /api/sandbox` running `print('hello')` (not streaming: the answer holds
  the output), one request at a time, interleaved with the baseline, the bare interpreter
  started with subprocess in this process (writing the file, capturing its output);
- the server's CPU time per run (the web process's; with a `sandbox_worker`, the worker's
  is not counted);
- throughput: `--clients` threads, each on its own keep-alive connection, posting the same
  run for `--seconds`: completed runs per second.

Goals (issue 13): median latency <= 2x the bare interpreter; server CPU per run half of
what it was (~40 ms on SQLite, ~60 ms on PostgreSQL); >= 35 runs/s with 8 clients on the
embedded default.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from harness.appserver import AppServer  # noqa: E402
from harness.workers import start_workers, stop_workers  # noqa: E402

HELLO = "print('hello')\n"
BODY = json.dumps({"runtime": "python", "code": HELLO}).encode()
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"


def bare_interpreter() -> str:
    for path in settings.SANDBOX_PYTHON:
        if os.access(path, os.X_OK):
            return path
    raise SystemExit("No interpreter of SANDBOX_PYTHON exists: run scripts/install first.")


def bare_run(python: str, folder: Path) -> float:
    started = time.perf_counter()
    (folder / "main.py").write_text(HELLO)
    result = subprocess.run([python, "main.py"], cwd=folder, capture_output=True, check=True)
    elapsed = time.perf_counter() - started
    assert result.stdout == b"hello\n"
    return elapsed


class ApiClient:
    """One keep-alive connection, as a program calling the API in a loop would hold."""

    def __init__(self, port: int, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def run(self) -> float:
        started = time.perf_counter()
        self.connection.request("POST", "/api/sandbox", BODY, self.headers)
        response = self.connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200 or json.loads(body)["stdout"] != "hello\n":
            raise RuntimeError(f"{response.status}: {body[:300]!r}")
        return elapsed

    def close(self) -> None:
        self.connection.close()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used, its own threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def latency(server: AppServer, token: str, python: str, runs: int) -> tuple[list, list, float]:
    """Sequential runs, interleaved with the bare interpreter; also the server process's
    CPU time per API run (its children, the sandboxes, are not counted)."""
    client = ApiClient(server.port, token)
    bare, api = [], []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(3):  # warm both paths (imports, the engine's ready launcher)
            client.run()
            bare_run(python, Path(folder))
        assert server.process is not None
        cpu_before = cpu_seconds(server.process.pid)
        for _ in range(runs):  # interleaved, so load changes hit both alike
            bare.append(bare_run(python, Path(folder)))
            api.append(client.run())
        cpu_per_run = (cpu_seconds(server.process.pid) - cpu_before) / runs
    client.close()
    return bare, api, cpu_per_run


def throughput(server: AppServer, token: str, clients: int, seconds: float) -> tuple[float, int]:
    done, errors = [0] * clients, [0] * clients
    start = threading.Barrier(clients + 1)
    deadline: list[float] = []

    def work(index: int) -> None:
        client = ApiClient(server.port, token)
        start.wait()
        while time.perf_counter() < deadline[0]:
            try:
                client.run()
                done[index] += 1
            except Exception:  # noqa: BLE001 (counted and reported)
                errors[index] += 1
                client.close()
                client = ApiClient(server.port, token)
        client.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline.append(began + seconds)
    start.wait()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - began), sum(errors)


def answers(url: str) -> bool:
    try:
        if url.startswith("redis"):
            import redis

            return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
        import psycopg

        psycopg.connect(url, connect_timeout=2).close()
        return True
    except Exception:  # noqa: BLE001 (anything: it does not answer)
        return False


def serve(folder: Path, *, database_url: str | None, redis_url: str | None) -> AppServer:
    saved = os.environ.get("DATABASE_URL")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    try:
        server = AppServer(folder)  # reads DATABASE_URL: a throw-away database beside it
    finally:
        if saved is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = saved
    server.env.pop("REDIS_URL", None)
    if redis_url:
        server.env["REDIS_URL"] = redis_url
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="Latency samples per set-up.")
    parser.add_argument("--clients", type=int, default=8, help="Concurrent clients.")
    parser.add_argument("--seconds", type=float, default=10, help="Throughput duration.")
    parser.add_argument("--no-postgres", action="store_true", help="Embedded default only.")
    args = parser.parse_args()

    python = bare_interpreter()
    setups = [("embedded (SQLite)", None, None, 0)]
    database_url = os.environ.get("DATABASE_URL", POSTGRES_URL)
    redis_url = os.environ.get("REDIS_URL", REDIS_URL)
    if not args.no_postgres:
        if answers(database_url) and answers(redis_url):
            setups.append(("PostgreSQL + Redis", database_url, redis_url, 0))
            setups.append(("  + 1 sandbox_worker", database_url, redis_url, 1))
        else:
            print(f"(PostgreSQL at {database_url} or Redis at {redis_url} does not answer)")

    print(
        f"hello world, {args.runs} sequential runs; {args.clients} clients for {args.seconds:g} s"
    )
    print(f"bare interpreter: {python}\n")
    header = f"{'server':<20}{'bare ms':>9}{'API p50':>9}{'API p95':>9}{'ratio':>8}"
    print(header + f"{'CPU ms':>8}{'runs/s':>9}{'errors':>8}")
    for label, database, redis_location, workers in setups:
        with tempfile.TemporaryDirectory(prefix="api-bench-") as folder:
            server = serve(Path(folder), database_url=database, redis_url=redis_location)
            running: list = []
            try:
                server.prepare()
                token = server.manage(
                    "api_token", "--user", "bench", "--create-user", "--tier", "enterprise"
                ).splitlines()[-1]
                if workers:
                    # The distributed set-up: the web process only serves HTTP; runs are
                    # Procrastinate jobs that a sandbox_worker process takes.
                    server.env["SANDBOX_DISPATCHER"] = "distributed"
                    running = start_workers(workers, 4, server.env, Path(folder))
                server.start()
                bare, api, cpu = latency(server, token, python, args.runs)
                rate, errors = throughput(server, token, args.clients, args.seconds)
            finally:
                server.stop()
                stop_workers(running)
        bare_ms, api_ms = statistics.median(bare) * 1e3, statistics.median(api) * 1e3
        p95 = statistics.quantiles(api, n=20)[-1] * 1e3
        print(
            f"{label:<20}{bare_ms:>9.1f}{api_ms:>9.1f}{p95:>9.1f}{api_ms / bare_ms:>7.2f}x"
            f"{cpu * 1e3:>8.1f}{rate:>9.1f}{errors:>8}"
        )


if __name__ == "__main__":
    main()
