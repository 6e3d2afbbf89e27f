"""Which host CPUs a run's processes may use: as many as its vCPUs.

The cgroup's CPU quota bounds the CPU time a run uses; the affinity makes the counts its
runtime reports its own (`os.process_cpu_count()`, Node's `os.availableParallelism()`,
`nproc`), so a pool sized by them does not oversubscribe. Runs start on the CPUs after
the last run's, so concurrent runs spread over the host. A program may widen its own
affinity again (no privilege is needed for that); the quota still holds it to its vCPUs.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterable


class CpuSets:
    def __init__(self, available: Iterable[int] | None = None) -> None:
        self.available = sorted(os.sched_getaffinity(0) if available is None else available)
        self._next = 0
        self._lock = threading.Lock()

    def take(self, vcpus: float) -> frozenset[int]:
        """CPUs for a run of `vcpus` (every one when the host has no more than that)."""
        cpus = self.available
        count = max(1, math.ceil(vcpus))
        if count >= len(cpus):
            return frozenset(cpus)
        with self._lock:
            start = self._next
            self._next = (start + count) % len(cpus)
        return frozenset(cpus[(start + i) % len(cpus)] for i in range(count))


def cpu_list(cpus: Iterable[int]) -> str:
    """As taskset and cpusets write them: "0,1,3"."""
    return ",".join(str(cpu) for cpu in sorted(cpus))
