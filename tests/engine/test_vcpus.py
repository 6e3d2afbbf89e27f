"""A run's vCPUs: its processes run on that many CPUs (its runtimes' CPU counts say so).

The machine has two CPUs, so the tests compare one vCPU with two. What two are worth in
speed depends on what else the host runs: bench/vcpus.py measures it."""

from __future__ import annotations

import os

import pytest

from sandboxes.engine.cpus import CpuSets

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs a host with 2 CPUs"),
]

CPU_COUNTS = {
    "python": "import os\nprint(os.cpu_count(), os.process_cpu_count(), "
    "len(os.sched_getaffinity(0)))\n",
    "node": "const os = require('os');\nconsole.log(os.availableParallelism());\n",
}


@pytest.mark.parametrize("vcpus", [1, 2])
@pytest.mark.parametrize("runtime", ["python", "node"])
def test_the_runtimes_cpu_counts_are_the_runs_vcpus(run, runtime, vcpus):
    outcome = run(CPU_COUNTS[runtime], runtime, cpus=vcpus)

    assert outcome.result.ok, outcome.stderr
    counts = {int(word) for word in outcome.stdout.split()}
    assert counts == {vcpus}


def test_runs_take_the_cpus_after_the_last_runs():
    cpus = CpuSets(available=[0, 1, 2, 3])

    assert [cpus.take(1), cpus.take(2), cpus.take(2), cpus.take(8)] == [
        {0},
        {1, 2},
        {3, 0},
        {0, 1, 2, 3},
    ]
