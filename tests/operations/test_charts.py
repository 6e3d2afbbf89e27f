"""Chart geometry: round axis ceilings, stacked bars, broken lines, log axes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from operations.charts import (
    LogScale,
    Row,
    Series,
    bar_chart,
    line_chart,
    nice_ceiling,
    ranked_rows,
    shares,
)

DAYS = [date(2026, 11, 1) + timedelta(days=n) for n in range(3)]


@pytest.mark.parametrize(
    ("largest", "ceiling"), [(0, 4), (3, 4), (7, 8), (93, 100), (101, 200), (0.013, 0.02)]
)
def test_the_axis_ends_at_a_round_number_above_the_largest_value(largest, ceiling):
    assert nice_ceiling(largest) == pytest.approx(ceiling)


def test_bars_stack_series_and_the_tallest_day_fits():
    chart = bar_chart(DAYS, [Series("a", "x", [1, 0, 4]), Series("b", "y", [1, 2, 4])])

    assert [(bar.css, bar.height) for bar in chart.bars if bar.x > 400] == [
        ("x", 90.0),
        ("y", 90.0),
    ]  # day 3: 4 + 4 of an axis to 8, in 180 px
    assert chart.y_ticks[-1].text == "8"
    assert not chart.empty


def test_a_day_without_a_value_breaks_the_line():
    chart = line_chart(DAYS, [Series("p50", "z", [1.0, None, 2.0])])

    (line,) = chart.lines
    assert len(line.segments) == 2
    assert len(line.dots) == 2


def test_nothing_to_draw_says_so():
    assert bar_chart(DAYS, [Series("a", "x", [0, 0, 0])]).empty
    assert line_chart(DAYS, [Series("a", "x", [None, None, None])]).empty


def test_a_log_axis_spans_the_ticks_around_the_values():
    scale = LogScale([0.05, 42.0], ticks=(0.01, 0.1, 1, 10, 60, 600))

    assert scale.ticks() == [0.01, 0.1, 1, 10, 60]
    assert scale.fraction(0.01) == 0
    assert scale.fraction(60) == 1
    assert scale.fraction(1) == pytest.approx(2 / 3.778, rel=0.01)


def test_ranked_rows_scale_to_the_largest_and_shares_add_to_100():
    rows = ranked_rows([Row("a", 50, "50"), Row("b", 25, "25")])
    parts = shares([("Python", "p", 3), ("Node", "n", 1)])

    assert [row.width for row in rows] == [100, 50]
    assert [(part.percent, part.offset) for part in parts] == [(75, 0), (25, 75)]
