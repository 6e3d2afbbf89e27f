"""Prometheus metrics: what runs do, recorded by the process that does it.

Where each number comes from, and why:

- Counters and histograms (runs started and finished, durations, queue wait, sandbox
  start and package install times, output and network bytes, network refusals, compute,
  quota refusals) are recorded
  in the process where the event happens: the start service in the web server, the
  pipeline in whichever process runs it (the web server's inline dispatcher, or a worker
  on another host). Prometheus scrapes every such process and `sum()`s them, so a run
  counts exactly once wherever it ran; deriving them from the database at scrape time
  instead would mean counting and bucketing a million rows a month on every scrape.
  A worker exposes its own with `serve(port)`; a web server with several processes sets
  PROMETHEUS_MULTIPROC_DIR so /metrics adds them all up (prometheus-client's
  multiprocess mode).
- Gauges of the whole installation (runs queued and running, the kill switch) are read
  from the database when scraped, only by /metrics on the web server (a worker repeating
  them would double them in a sum): the database is the truth and the query is cheap
  (a partial index holds only the active runs).
- The package cache lives on each host's disk, so each process that runs code reports the
  cache beside it, read when scraped.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from operations.selectors import active_runs_by_runtime_and_status
from sandboxes.engine.packages.store import Store
from sandboxes.engine_config import engine_config
from sandboxes.models import KillSwitch

PREFIX = "codesandboxes"
# Runs last from milliseconds (hello world: ~30 ms) to the 5-hour tier maximum.
DURATION_BUCKETS = (
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600, 18000,
)  # fmt: skip
# Queue wait and sandbox start take milliseconds unless something is wrong.
SHORT_BUCKETS = (
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
)  # fmt: skip
INSTALL_BUCKETS = (0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600)

REGISTRY = CollectorRegistry()

RUNS_STARTED = Counter(
    f"{PREFIX}_runs_started", "Runs accepted and queued.", ["runtime"], registry=REGISTRY
)
RUNS_FINISHED = Counter(
    f"{PREFIX}_runs_finished",
    "Runs ended, by final status (rejected runs included).",
    ["runtime", "status"],
    registry=REGISTRY,
)
RUN_DURATION = Histogram(
    f"{PREFIX}_run_duration_seconds",
    "Wall time of a run's program in its sandbox.",
    ["runtime"],
    buckets=DURATION_BUCKETS,
    registry=REGISTRY,
)
QUEUE_WAIT = Histogram(
    f"{PREFIX}_run_queue_wait_seconds",
    "From a run being queued to a worker picking it up.",
    ["runtime"],
    buckets=SHORT_BUCKETS,
    registry=REGISTRY,
)
SANDBOX_START = Histogram(
    f"{PREFIX}_sandbox_start_seconds",
    "Cold start: from asking for a sandbox to the program running in it.",
    ["runtime", "isolation"],
    buckets=SHORT_BUCKETS,
    registry=REGISTRY,
)
PACKAGE_INSTALL = Histogram(
    f"{PREFIX}_package_install_seconds",
    "Building a package environment that was not cached (failed builds included).",
    ["language"],
    buckets=INSTALL_BUCKETS,
    registry=REGISTRY,
)
PACKAGE_CACHE_REQUESTS = Counter(
    f"{PREFIX}_package_cache_requests",
    "Runs with packages, by whether their environment was cached (hit) or not (miss).",
    ["language", "result"],
    registry=REGISTRY,
)
OUTPUT_BYTES = Counter(
    f"{PREFIX}_run_output_bytes", "Bytes runs printed (stdout and stderr).", ["runtime"],
    registry=REGISTRY,
)  # fmt: skip
RUNS_BY_NETWORK = Counter(
    f"{PREFIX}_runs_by_network",
    "Runs accepted, by the network policy they run with (none, allow_list, internet).",
    ["mode"],
    registry=REGISTRY,
)
NETWORK_BYTES = Counter(
    f"{PREFIX}_run_network_bytes",
    "Bytes runs received (in) and sent (out) over their network.",
    ["runtime", "direction"],
    registry=REGISTRY,
)
NETWORK_REFUSALS = Counter(
    f"{PREFIX}_run_network_refusals",
    "Connections and lookups refused by runs' network policies.",
    ["runtime"],
    registry=REGISTRY,
)
NETWORK_LIMITED = Counter(
    f"{PREFIX}_runs_network_limited",
    "Runs stopped for sending and receiving more than their tier's cap.",
    ["runtime"],
    registry=REGISTRY,
)
COMPUTE_SECONDS = Counter(
    f"{PREFIX}_compute_seconds", "Compute seconds charged to quotas.", ["runtime"],
    registry=REGISTRY,
)  # fmt: skip
QUOTA_REJECTIONS = Counter(
    f"{PREFIX}_quota_rejections",
    "Runs refused by a quota, by the limit hit.",
    ["limit"],
    registry=REGISTRY,
)
PAUSED_REFUSALS = Counter(
    f"{PREFIX}_runs_refused_paused", "Runs refused while the kill switch was on.",
    registry=REGISTRY,
)  # fmt: skip
ProcessCollector(registry=REGISTRY)


class EngineMetrics:
    """The engine's observer (see sandboxes/engine/observer.py)."""

    def sandbox_started(self, *, runtime: str, isolation: str, seconds: float) -> None:
        SANDBOX_START.labels(runtime=runtime, isolation=isolation).observe(seconds)

    def packages_prepared(self, *, language: str, outcome: str, seconds: float) -> None:
        hit = outcome == "hit"
        PACKAGE_CACHE_REQUESTS.labels(language=language, result="hit" if hit else "miss").inc()
        if not hit:
            PACKAGE_INSTALL.labels(language=language).observe(seconds)


class PackageCacheCollector:
    """The package cache on this host's disk, read when scraped."""

    def collect(self):
        entries = Store(engine_config().packages_root).entries()
        size = GaugeMetricFamily(
            f"{PREFIX}_package_cache_bytes", "Size of the cached package environments."
        )
        size.add_metric([], sum(entry.size for entry in entries))
        count = GaugeMetricFamily(
            f"{PREFIX}_package_cache_environments", "Cached package environments."
        )
        count.add_metric([], len(entries))
        return [size, count]


class DatabaseCollector:
    """Installation-wide gauges, read from the database when scraped."""

    def collect(self):
        active = GaugeMetricFamily(
            f"{PREFIX}_runs_active",
            "Runs queued, preparing or running now (one sandbox each once started).",
            labels=["runtime", "status"],
        )
        for (runtime, status), count in active_runs_by_runtime_and_status().items():
            active.add_metric([runtime, status], count)
        paused = GaugeMetricFamily(
            f"{PREFIX}_runs_paused", "1 while the kill switch refuses new runs."
        )
        paused.add_metric([], int(KillSwitch.paused_message() is not None))
        return [active, paused]


REGISTRY.register(PackageCacheCollector())


def exposition() -> bytes:
    """What /metrics answers: this process's (or, in multiprocess mode, every web
    process's) counters and histograms, the local package cache, and the database gauges."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        registry.register(PackageCacheCollector())
    else:
        registry.register(REGISTRY)
    registry.register(DatabaseCollector())
    return generate_latest(registry)


def serve(port: int, addr: str = "127.0.0.1"):
    """Expose this process's metrics on http://addr:port/metrics (for worker processes).

    Binds to loopback unless told otherwise: put the scraper beside it, or a proxy with
    access control in front, before binding a public address. Returns the server and its
    thread (prometheus-client's start_http_server)."""
    return start_http_server(port, addr=addr, registry=REGISTRY)
