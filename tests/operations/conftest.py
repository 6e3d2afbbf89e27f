"""Fixtures for operations: reading the metrics, running real sandboxes, the staff client."""

from __future__ import annotations

import pytest

from operations.metrics import REGISTRY, exposition
from operations.models import OperatorSettings
from sandboxes.models import KillSwitch
from tests.operations.metrics import Metrics


@pytest.fixture
def read_metrics():
    """read_metrics() -> Metrics as /metrics would answer now (process and database)."""
    return lambda: Metrics(exposition().decode())


@pytest.fixture
def process_metrics():
    """This process's counters and histograms only (what a worker's serve() exposes)."""
    from prometheus_client import generate_latest

    return lambda: Metrics(generate_latest(REGISTRY).decode())


@pytest.fixture
def operator_settings(db) -> OperatorSettings:
    return OperatorSettings.load()


@pytest.fixture
def kill_switch(db) -> KillSwitch:
    return KillSwitch.load()


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
