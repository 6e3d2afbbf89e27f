"""A run's vCPUs as speed: two processes of CPU-bound work at 2 vCPUs against 1.

    sudo .venv/bin/python bench/vcpus.py [--pairs 15]

Runs the same program (two processes, a fixed amount of work each) at 1 and 2 vCPUs,
alternated so that load from other work hits both alike, and prints each one's median
seconds and their ratio. On an idle 2-CPU host the ratio is about 0.5; the busier the host,
the nearer 1 (a second CPU helps only when it is free). The tests check what 2 vCPUs are
(the CPUs a run may use, as its runtimes count them), not how fast they go.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from sandboxes.engine import Limits, RunSpec  # noqa: E402
from sandboxes.engine_config import get_engine  # noqa: E402

# Prints the seconds from starting the two processes to both being done.
TWO_BUSY_PROCESSES = """\
import os, time

def work():
    total = 0
    for i in range(2_000_000):
        total += i * i
    return total

started = time.monotonic()
children = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        work()
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
print(time.monotonic() - started)
"""


def busy_seconds(engine, vcpus: int) -> float:
    spec = RunSpec(
        runtime="python",
        files={"main.py": TWO_BUSY_PROCESSES.encode()},
        entry="main.py",
        limits=Limits(timeout_seconds=120, cpu_seconds=240, cpus=vcpus),
    )
    chunks: list[bytes] = []
    result = engine.run_sync(spec, on_output=lambda _stream, data: chunks.append(data))
    if not result.ok:
        raise SystemExit(f"the run failed: {result.error} {b''.join(chunks)!r}")
    return float(b"".join(chunks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=15, help="runs at each vCPU count")
    args = parser.parse_args()
    if len(os.sched_getaffinity(0)) < 2:
        raise SystemExit("This host has one CPU: there is nothing to compare.")
    engine = get_engine()
    engine.prepare()
    busy_seconds(engine, 1)  # warm caches
    one, two = [], []
    for _ in range(args.pairs):
        one.append(busy_seconds(engine, 1))
        two.append(busy_seconds(engine, 2))
    one_s, two_s = statistics.median(one), statistics.median(two)
    print(f"{args.pairs} runs each; medians; load average {os.getloadavg()[0]:.1f}\n")
    print(f"{'1 vCPU s':>10}{'2 vCPUs s':>11}{'ratio':>7}")
    print(f"{one_s:>10.2f}{two_s:>11.2f}{two_s / one_s:>6.2f}x")


if __name__ == "__main__":
    main()
