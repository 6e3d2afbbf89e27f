"""How long something took reads as precisely as is worth reading, the same on a run's
page, in the admin and on the dashboard (its axis ticks included)."""

from __future__ import annotations

import pytest

from quotas.formatting import format_elapsed


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.085, "85 ms"),
        (0.875, "875 ms"),
        (1, "1 s"),
        (1.234, "1.23 s"),
        (2.5, "2.50 s"),
        (10, "10 s"),
        (12.34, "12.3 s"),
        (12.0, "12 s"),
        (60, "1 min"),
        (125, "2 min 5 s"),
        (3_600, "1 h"),
        (5_430.4, "1 h 30 min 30 s"),
        (18_000, "5 h"),
    ],
)
def test_it_reads_naturally(seconds, text):
    assert format_elapsed(seconds) == text
