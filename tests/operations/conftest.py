"""Fixtures for operations: reading the metrics, running real sandboxes, the staff client."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from operations.metrics import REGISTRY, exposition
from operations.models import OperatorSettings
from sandboxes.models import KillSwitch


class Metrics:
    """One reading of the exposition: value("name_total", runtime="python3.13")."""

    def __init__(self, text: str) -> None:
        self.samples = [
            (sample.name, sample.labels, sample.value)
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        ]

    def value(self, name: str, **labels: str) -> float:
        return sum(
            value
            for sample_name, sample_labels, value in self.samples
            if sample_name == name and all(sample_labels.get(k) == v for k, v in labels.items())
        )

    def has(self, name: str) -> bool:
        return any(sample_name == name for sample_name, _, _ in self.samples)


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
