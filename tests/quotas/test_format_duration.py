"""Quota durations read exactly: never rounded down to look used up."""

from __future__ import annotations

import pytest

from quotas.formatting import format_duration


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "unlimited"),
        (0, "0 s"),
        (42, "42 s"),
        (60, "1 min"),
        (90, "1 min 30 s"),
        (2_700, "45 min"),
        (3_599, "59 min 59 s"),
        (3_601, "1 h 1 s"),
        (5_430, "1 h 30 min 30 s"),
        (7_200, "2 h"),
        (89_999, "24 h 59 min 59 s"),
        (360_000, "100 h"),
    ],
)
def test_it_reads_exactly(seconds, text):
    assert format_duration(seconds) == text
