"""Fixtures for distributed workers: this test process is the web side that records and
enqueues runs; `cluster` starts worker processes (and a web server) beside it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from django.db import connection, connections

from quotas.models import Quota
from quotas.services import quota_change_tier
from sandboxes.runs import dispatch
from tests.factories import seeded_tier
from tests.workers.cluster import (
    HEARTBEAT_SECONDS,
    STALL_SECONDS,
    Process,
    WebServer,
    Worker,
    cluster_env,
)


class Cluster:
    def __init__(self, folder) -> None:
        self.folder = folder
        self.env = cluster_env(folder)
        self.processes: list[Process] = []

    def workers(
        self, *names: str, concurrency: int = 2, shutdown: float = 30, extra: list[str] = ()
    ) -> list[Worker]:
        """Start worker processes (at once) and wait until each takes jobs."""
        started = [
            Worker(
                name, self.env, self.folder, concurrency=concurrency, shutdown=shutdown, extra=extra
            )
            for name in names
        ]
        self.processes += started
        for worker in started:
            worker.wait_started()
        return started

    def web(self) -> WebServer:
        server = WebServer(self.env, self.folder)
        self.processes.append(server)
        server.wait_started()
        return server

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


def _forget_jobs() -> None:
    # Procrastinate's tables are not Django-managed, so test flushes leave them alone.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs; DELETE FROM procrastinate_workers;")


@pytest.fixture
def distributed(settings, transactional_db) -> Iterator[None]:
    """This process enqueues runs for workers, as a web node with SANDBOX_DISPATCHER=distributed."""
    settings.SANDBOX_DISPATCHER = "distributed"
    settings.SANDBOX_WORKER_HEARTBEAT_SECONDS = HEARTBEAT_SECONDS
    settings.SANDBOX_WORKER_STALL_SECONDS = STALL_SECONDS
    dispatch.get_dispatcher.cache_clear()
    channel_layers.backends.clear()
    _forget_jobs()
    yield
    _forget_jobs()
    dispatch.get_dispatcher.cache_clear()
    channel_layers.backends.clear()


@pytest.fixture
def cluster(distributed, tmp_path) -> Iterator[Cluster]:
    running = Cluster(tmp_path)
    yield running
    running.stop()


@pytest.fixture
async def web_watch(distributed) -> AsyncIterator[None]:
    """This process watching for dead workers, as a web server does once a request has
    bound the dispatcher to its loop."""
    dispatcher = dispatch.get_dispatcher()
    dispatcher.bind(asyncio.get_running_loop())
    yield
    dispatcher._watch.cancel()
    # The watch's database thread lets go of its connection (the test database is dropped
    # at the end of the session).
    await database_sync_to_async(connections.close_all)()


@pytest.fixture
def runner(owner, transactional_db):
    """The owner, allowed many runs at once (enterprise: 10)."""
    quota_change_tier(quotas=Quota.objects.filter(user=owner), tier=seeded_tier("enterprise"))
    return owner
