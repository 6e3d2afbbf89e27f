"""Chart geometry for server-rendered SVG: numbers in, coordinates and labels out.

The templates (templates/operations/charts.html) only draw what these return, so a chart
needs no JavaScript, no CDN, and nothing the Content-Security-Policy forbids (colours
come from CSS classes, never inline styles).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 14, 26
MAX_X_LABELS = 8


@dataclass(frozen=True)
class Series:
    name: str
    css: str  # a class in operations.css: the series' colour
    values: Sequence[float | None]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Line:
    css: str
    segments: list[str]  # "x,y x,y ..." per run of days with a value
    dots: list[tuple[float, float, str]]


@dataclass(frozen=True)
class Label:
    at: float
    text: str


@dataclass
class Chart:
    legend: list[Series]
    y_ticks: list[Label] = field(default_factory=list)
    x_labels: list[Label] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    threshold: Label | None = None
    empty: bool = False
    empty_text: str = "No runs in this range"
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def center_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def center_y(self) -> float:
        return (self.top + self.bottom) / 2


def nice_ceiling(value: float, ticks: int = 4) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten, times `ticks`, above `value`."""
    if value <= 0:
        return ticks
    raw = value / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return step * ticks


class LinearScale:
    """From 0 to a round number above the largest value, in four steps."""

    def __init__(self, largest: float) -> None:
        self.ceiling = nice_ceiling(largest)

    def fraction(self, value: float) -> float:
        return min(max(value, 0), self.ceiling) / self.ceiling

    def ticks(self) -> list[float]:
        return [self.ceiling * n / 4 for n in range(5)]


class LogScale:
    """Log axis between two of `ticks` around the values: latencies span milliseconds to
    hours, and on a linear axis one slow day would flatten every other line."""

    def __init__(self, values: Sequence[float], ticks: Sequence[float]) -> None:
        positive = [value for value in values if value > 0] or [ticks[0]]
        self.low = max([t for t in ticks if t <= min(positive)], default=ticks[0])
        self.high = min([t for t in ticks if t >= max(positive)], default=ticks[-1])
        if self.high <= self.low:
            self.high = next((t for t in ticks if t > self.low), self.low * 10)
        self._ticks = [t for t in ticks if self.low <= t <= self.high]

    def fraction(self, value: float) -> float:
        if value <= 0:
            return 0.0
        span = math.log10(self.high) - math.log10(self.low)
        share = (math.log10(value) - math.log10(self.low)) / span
        return min(max(share, 0.0), 1.0)

    def ticks(self) -> list[float]:
        return self._ticks


def _frame(
    days: Sequence[date],
    scale: LinearScale | LogScale,
    tick_fmt: Callable[[float], str],
    legend: list[Series],
) -> tuple[Chart, Callable[[int], float], Callable[[float], float], float]:
    chart = Chart(legend=legend)
    plot_height = chart.bottom - chart.top
    slot = (chart.right - chart.left) / max(len(days), 1)

    def x(index: int) -> float:  # the middle of a day's slot
        return round(chart.left + slot * (index + 0.5), 1)

    def y(value: float) -> float:
        return round(chart.bottom - plot_height * scale.fraction(value), 1)

    chart.y_ticks = [Label(y(tick), tick_fmt(tick)) for tick in scale.ticks()]
    every = math.ceil(len(days) / MAX_X_LABELS) or 1
    chart.x_labels = [
        Label(x(i), f"{day:%b} {day.day}") for i, day in enumerate(days) if i % every == 0
    ]
    return chart, x, y, slot


def bar_chart(
    days: Sequence[date],
    series: list[Series],
    fmt: Callable[[float], str] = "{:,.0f}".format,
    tick_fmt: Callable[[float], str] | None = None,
    empty_text: str = Chart.empty_text,
) -> Chart:
    """Bars per day, the series stacked in the order given; `empty_text` says what is
    missing when every bar is zero."""
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(days))]
    scale = LinearScale(max(totals, default=0))
    chart, x, y, slot = _frame(days, scale, tick_fmt or fmt, series)
    chart.empty = not any(totals)
    chart.empty_text = empty_text
    width = max(min(slot * 0.7, 28), 1)
    for i, day in enumerate(days):
        base = 0.0
        for s in series:
            value = s.values[i] or 0
            if value <= 0:
                continue
            top = y(base + value)
            chart.bars.append(
                Bar(
                    x=round(x(i) - width / 2, 1),
                    y=top,
                    width=round(width, 1),
                    height=round(y(base) - top, 1),
                    css=s.css,
                    title=f"{day:%b} {day.day} · {s.name}: {fmt(value)}",
                )
            )
            base += value
    return chart


def line_chart(
    days: Sequence[date],
    series: list[Series],
    fmt: Callable[[float], str] = "{:,.0f}".format,
    threshold: tuple[float, str] | None = None,
    log_ticks: Sequence[float] = (),
) -> Chart:
    """A line per series; a day without a value breaks the line (nothing ran). With
    `log_ticks`, a log axis marked at those of them around the values."""
    values = [v for s in series for v in s.values if v is not None]
    if log_ticks:
        scale: LinearScale | LogScale = LogScale(values, log_ticks)
    else:
        scale = LinearScale(max([*values, threshold[0] if threshold else 0], default=0))
    chart, x, y, _slot = _frame(days, scale, fmt, series)
    chart.empty = not values
    for s in series:
        segments, dots = [], []
        current: list[str] = []
        for i, value in enumerate(s.values):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            current.append(f"{x(i)},{y(value)}")
            dots.append((x(i), y(value), f"{days[i]:%b} {days[i].day} · {s.name}: {fmt(value)}"))
        if current:
            segments.append(" ".join(current))
        chart.lines.append(Line(css=s.css, segments=segments, dots=dots))
    if threshold is not None:
        chart.threshold = Label(y(threshold[0]), threshold[1])
    return chart


@dataclass(frozen=True)
class Row:
    label: str
    value: float
    text: str  # the value as shown
    width: float = 0.0  # of the bar, in % of the longest


def ranked_rows(rows: list[Row]) -> list[Row]:
    """Horizontal bars: each row's bar as a share of the largest value."""
    largest = max((row.value for row in rows), default=0)
    return [
        Row(row.label, row.value, row.text, round(100 * row.value / largest, 1) if largest else 0)
        for row in rows
    ]


@dataclass(frozen=True)
class Share:
    name: str
    css: str
    value: float
    percent: float
    offset: float  # where its part starts, in % of the whole


def shares(parts: list[tuple[str, str, float]]) -> list[Share]:
    """A whole split into parts (for a 100 % bar): name, css class, value."""
    total = sum(value for _, _, value in parts)
    result, offset = [], 0.0
    for name, css, value in parts:
        percent = 100 * value / total if total else 0
        result.append(Share(name, css, value, round(percent, 1), round(offset, 1)))
        offset += percent
    return result
