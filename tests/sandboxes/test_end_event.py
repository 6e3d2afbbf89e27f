"""The exit event tells the console how long the run took as the run's pages say it."""

from __future__ import annotations

import pytest

from sandboxes.models import Execution
from sandboxes.runs.events import end_event


@pytest.mark.parametrize(
    ("wall_ms", "duration"),
    [
        (85, "85 ms"),
        (2_000, "2 s"),
        (2_125, "2.12 s"),
        (5_430_400, "1 h 30 min 30 s"),
        (None, None),
    ],
)
def test_its_duration_reads_as_the_run_pages_read_it(wall_ms, duration):
    execution = Execution(status=Execution.Status.SUCCEEDED, exit_code=0, wall_ms=wall_ms)

    assert end_event(execution)["duration"] == duration
