"""A run's page says what network it had, what it sent and received, and what was refused."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


def details(client, execution) -> str:
    response = client.get(reverse("run_detail", args=[execution.pk]), {"part": "run_details"},
                          headers={"HX-Request": "true"})  # fmt: skip
    return html.unescape(response.content.decode())


def test_a_run_with_an_allow_list_shows_it_its_bytes_and_its_refusals(signed_in, sandbox):
    execution = ExecutionFactory(
        sandbox=sandbox,
        status="network_limited",
        network={"mode": "allow_list", "allow": ["api.github.com", "*.pypi.org"], "deny": [],
                 "max_bytes": 2**20},
        network_bytes_in=3 * 2**20,
        network_bytes_out=2048,
        network_blocked_count=5,
        network_blocked=["evil.example (not on the allow-list)", "10.0.0.5:5432 (private address)"],
    )  # fmt: skip

    text = details(signed_in, execution)

    assert "Network limit" in text
    assert "Only api.github.com, *.pypi.org" in text
    assert "3.0\xa0MB / 2.0\xa0KB" in text
    assert "blocked: <code>evil.example (not on the allow-list)</code>" in text
    assert "blocked: <code>10.0.0.5:5432 (private address)</code>" in text
    assert "5 in all" in text


def test_a_run_without_network_says_so_and_shows_no_counts(signed_in, sandbox):
    execution = ExecutionFactory(sandbox=sandbox)

    text = details(signed_in, execution)

    assert '<dd id="run-network">No network</dd>' in text
    assert "Network in / out" not in text
    assert "Refused by its network policy" not in text
