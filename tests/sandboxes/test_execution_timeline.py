"""A run's timeline read: when it reached a status, how long it spent in each."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sandboxes.models import Execution

TIMELINE = [
    ["queued", "2026-11-29T10:00:00+00:00"],
    ["preparing", "2026-11-29T10:00:00.250000+00:00"],
    ["running", "2026-11-29T10:00:01+00:00"],
    ["failed", "2026-11-29T10:00:03.500000+00:00"],
]


def test_it_says_when_each_status_was_first_reached():
    run = Execution(timeline=[*TIMELINE, ["running", "2026-11-29T11:00:00+00:00"]])

    assert run.reached_at("running") == datetime(2026, 11, 29, 10, 0, 1, tzinfo=UTC)
    assert run.reached_at("cancelled") is None


def test_it_says_how_long_the_run_spent_in_each_status_it_left():
    run = Execution(timeline=TIMELINE)

    assert run.seconds_in_statuses() == pytest.approx(
        {"queued": 0.25, "preparing": 0.75, "running": 2.5}
    )


def test_it_says_how_long_the_run_had_been_running_at_a_given_time():
    run = Execution(timeline=TIMELINE[:3])

    assert run.seconds_running_until(datetime(2026, 11, 29, 10, 0, 4, tzinfo=UTC)) == 3.0
    assert Execution(timeline=TIMELINE[:2]).seconds_running_until(datetime.now(UTC)) == 0.0
