"""What a run's network costs: start-up over `none`, and download throughput.

    sudo .venv/bin/python bench/network.py [--runs 20] [--megabytes 200]

Builds the test hosts of harness/nethosts.py (a namespace of its own with HTTP and DNS; no
traffic leaves this host) and an engine allowed to reach them, then prints:

1. start-up: the median wall time of a hello-world run (Python) with network `none`,
   `internet` and an allow-list of one name, interleaved in the same process, and each
   one's ratio over `none`;
2. throughput: one download of --megabytes from the test host's HTTP server by the same
   Python program, run on the host (the bare interpreter) and inside a sandbox with
   `internet` (timed by the program itself: start-up excluded).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from harness.nethosts import nethosts  # noqa: E402
from sandboxes.engine import Engine, Limits, NetworkPolicy, RunSpec  # noqa: E402
from sandboxes.engine_config import engine_config  # noqa: E402

POLICIES = {
    "none": NetworkPolicy(),
    "internet": NetworkPolicy(mode="internet"),
    "allow-list": NetworkPolicy(mode="allow_list", allow=("api.nethost.test",)),
}
DOWNLOAD = """\
import sys, time, urllib.request
started = time.perf_counter()
size = 0
with urllib.request.urlopen(sys.argv[1], timeout=60) as page:
    while chunk := page.read(1 << 20):
        size += len(chunk)
print(size, time.perf_counter() - started)
"""


async def hello(engine: Engine, network: NetworkPolicy) -> float:
    spec = RunSpec(
        runtime="python", files={"main.py": b"print('hello')\n"}, entry="main.py", network=network
    )
    started = time.perf_counter()
    result = await engine.run(spec, on_output=lambda stream, data: None)
    elapsed = time.perf_counter() - started
    assert result.ok, result
    return elapsed


async def startup(engine: Engine, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in POLICIES}
    for policy in POLICIES.values():  # warm-up
        await hello(engine, policy)
    for _ in range(runs):
        for name, policy in POLICIES.items():
            times[name].append(await hello(engine, policy))
    return times


def throughput(engine: Engine, url: str, python: str) -> tuple[float, float]:
    """MB/s on the host and inside a sandbox with `internet`."""
    done = subprocess.run([python, "-c", DOWNLOAD, url], capture_output=True, text=True)
    size, seconds = done.stdout.split()
    outside = int(size) / float(seconds) / 1e6
    output: list[bytes] = []
    spec = RunSpec(
        runtime="python",
        files={"main.py": DOWNLOAD.encode()},
        entry="main.py",
        argv=(url,),
        network=NetworkPolicy(mode="internet"),
        limits=Limits(timeout_seconds=120, cpu_seconds=120),
    )
    result = engine.run_sync(spec, on_output=lambda stream, data: output.append(data))
    assert result.ok, (result, b"".join(output))
    size, seconds = b"".join(output).split()
    inside = int(size) / float(seconds) / 1e6
    print(f"  (counted by the run: {result.network_bytes_in} bytes in)")
    return outside, inside


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--megabytes", type=int, default=200)
    options = parser.parse_args()
    with nethosts() as hosts:
        config = dataclasses.replace(
            engine_config(), network_allow_cidrs=hosts.allow_cidrs, network_dns=hosts.dns
        )
        engine = Engine(config)
        engine.prepare()

        async def measure() -> dict[str, list[float]]:
            try:
                return await startup(engine, options.runs)
            finally:
                await engine.aclose()

        times = asyncio.run(measure())
        base = statistics.median(times["none"])
        print(f"Start-up, hello world in Python, median of {options.runs} (interleaved):")
        for name, values in times.items():
            median = statistics.median(values)
            print(f"  {name:<11} {median * 1000:7.1f} ms  {median / base:5.2f}x none")
        url = f"http://{hosts.web}/bytes/{options.megabytes * 1_000_000}"
        python = str(engine.runtimes.default_for("python").executable)
        outside, inside = throughput(engine, url, python)
        print(f"Download of {options.megabytes} MB from a test host (same Python program):")
        print(f"  on the host     {outside:8.1f} MB/s")
        print(f"  in the sandbox  {inside:8.1f} MB/s  ({inside / outside:.2f}x)")


if __name__ == "__main__":
    main()
