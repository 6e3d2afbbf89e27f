"""The dashboard's content: the selectors' numbers for a date range, as charts and cards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from operations import charts
from operations.charts import Series
from operations.costs import Prices, Usage, format_money
from operations.models import OperatorSettings, QuotaAlert, RateAlert
from operations.selectors import (
    QUANTILES,
    ActiveNow,
    DateRange,
    DayStats,
    EndRates,
    active_now,
    daily_stats,
    estimate_quantile,
    most_used_packages,
    top_users_by_compute,
)
from quotas.formatting import format_bytes, format_elapsed
from sandboxes.engine.runtimes import LANGUAGE_NAMES
from sandboxes.models import KillSwitch

PRESETS = (7, 14, 30, 90)
# check_alerts runs every minute from cron: a last check older than this means it does not.
ALERTS_STALE = timedelta(minutes=10)
# Where a log axis of durations is marked: 10 ms to 5 h.
DURATION_TICKS = (0.01, 0.1, 1, 10, 60, 600, 3600, 18000)


def format_percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%".replace(".0%", "%")


def format_tick(value: float) -> str:
    """An axis tick, a round number (0.005, 2,500): all its digits, and no exponent."""
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def format_hours(hours: float) -> str:
    return f"{hours:,.1f} h" if hours >= 10 else f"{hours:,.2f} h"


@dataclass(frozen=True)
class Totals(EndRates):
    runs: int
    rejected: int
    ended: int
    errors: int
    timeouts: int
    usage: Usage
    latency: dict[float, float | None]  # quantile -> seconds, over the whole range
    network_in: int
    network_out: int
    network_refused: int


def _totals(days: list[DayStats]) -> Totals:
    # Cumulative bucket counts add up: the range's percentiles, not an average of days'.
    buckets = [sum(counts) for counts in zip(*(day.latency_buckets for day in days), strict=True)]
    return Totals(
        runs=sum(day.total for day in days),
        rejected=sum(day.rejected for day in days),
        ended=sum(day.ended for day in days),
        errors=sum(day.errors for day in days),
        timeouts=sum(day.timeouts for day in days),
        usage=sum((day.usage for day in days), Usage()),
        latency={q: estimate_quantile(q, buckets) if buckets else None for q in QUANTILES},
        network_in=sum(day.network_in for day in days),
        network_out=sum(day.network_out for day in days),
        network_refused=sum(day.network_refused for day in days),
    )


def dashboard_context(period: DateRange) -> dict:
    config = OperatorSettings.load()
    days = daily_stats(period)
    now = active_now()
    rate_alerts = list(RateAlert.objects.all())
    return {
        "period": period,
        "config": config,
        "paused_message": KillSwitch.paused_message(),
        "active": now,
        **_cards(_totals(days), config),
        **_charts(days, config, now),
        **_lists(period, config.prices),
        "rate_alerts": rate_alerts,
        "alerts_checked_at": max((a.checked_at for a in rate_alerts if a.checked_at), default=None),
        "alerts_stale_after": timezone.now() - ALERTS_STALE,
        "quota_alerts": list(QuotaAlert.objects.select_related("user")[:8]),
        "presets": PRESETS,
    }


def _cards(totals: Totals, config: OperatorSettings) -> dict:
    prices = config.prices
    cost = prices.cost(totals.usage)
    per_run = prices.cost_per_run(totals.usage)
    return {
        "totals": totals,
        "cost": cost,
        "cost_text": format_money(cost.total, prices.currency),
        "cost_parts": {
            part: format_money(getattr(cost, part), prices.currency)
            for part in ("compute", "memory", "runs")
        },
        "cost_per_run": format_money(per_run, prices.currency) if per_run is not None else "–",
        "over_goal": per_run is not None and per_run > config.cost_goal_per_run,
        "goal": format_money(config.cost_goal_per_run, prices.currency),
        "compute_hours": format_hours(float(totals.usage.compute_hours)),
        "memory_gb_hours": f"{float(totals.usage.memory_gb_hours):,.2f}",
        "network_total": format_bytes(totals.network_in + totals.network_out),
        "network_in": format_bytes(totals.network_in),
        "network_out": format_bytes(totals.network_out),
        "error_rate": format_percent(totals.error_rate),
        "timeout_rate": format_percent(totals.timeout_rate),
        "latency": {
            f"p{round(q * 100)}": "–" if seconds is None else format_elapsed(seconds)
            for q, seconds in totals.latency.items()
        },
    }


def _charts(days: list[DayStats], config: OperatorSettings, now: ActiveNow) -> dict:
    dates = [day.day for day in days]
    prices = config.prices
    costs = [prices.cost(day.usage) for day in days]
    threshold = config.error_rate_threshold
    return {
        "runs_chart": charts.bar_chart(
            dates,
            [
                Series(name, f"series-{language}", [d.runs[language] for d in days])
                for language, name in LANGUAGE_NAMES.items()
            ],
        ),
        "latency_chart": charts.line_chart(
            dates,
            [
                Series("p50", "series-p50", [d.latency.get(0.5) for d in days]),
                Series("p95", "series-p95", [d.latency.get(0.95) for d in days]),
                Series("p99", "series-p99", [d.latency.get(0.99) for d in days]),
            ],
            fmt=format_elapsed,
            log_ticks=DURATION_TICKS,
        ),
        "rates_chart": charts.line_chart(
            dates,
            [
                Series("Errors", "series-errors", [d.error_rate for d in days]),
                Series("Timeouts", "series-timeouts", [d.timeout_rate for d in days]),
            ],
            fmt=format_percent,
            threshold=(threshold, f"error alert at {threshold}%") if threshold else None,
        ),
        "cost_chart": charts.bar_chart(
            dates,
            [
                Series("Compute", "series-compute", [float(c.compute) for c in costs]),
                Series("Memory", "series-memory", [float(c.memory) for c in costs]),
                Series("Per run", "series-runs", [float(c.runs) for c in costs]),
            ],
            fmt=lambda amount: format_money(Decimal(str(amount)), prices.currency),
            tick_fmt=lambda amount: f"{prices.currency}{format_tick(amount)}",
        ),
        "compute_chart": charts.bar_chart(
            dates,
            [Series("Compute", "series-compute", [float(d.usage.compute_hours) for d in days])],
            fmt=format_hours,
            tick_fmt=lambda hours: f"{format_tick(hours)} h",
        ),
        "network_chart": charts.bar_chart(
            dates,
            [
                Series("Received", "series-net-in", [d.network_in for d in days]),
                Series("Sent", "series-net-out", [d.network_out for d in days]),
            ],
            fmt=format_bytes,
            empty_text="No network traffic in this range",
        ),
        "runtime_shares": charts.shares(
            [
                (name, f"series-{language}", sum(d.runs[language] for d in days))
                for language, name in LANGUAGE_NAMES.items()
            ]
        ),
        "active_shares": charts.shares(
            [
                ("Running", "series-running", now.by_status["running"]),
                ("Preparing", "series-preparing", now.by_status["preparing"]),
                ("Queued", "series-queued", now.by_status["queued"]),
            ]
        ),
    }


def _lists(period: DateRange, prices: Prices) -> dict:
    users = top_users_by_compute(period)
    hours = [format_hours(float(user.usage.compute_hours)) for user in users]
    rows = charts.ranked_rows(
        [
            charts.Row(user.username, user.usage.compute_seconds, text)
            for user, text in zip(users, hours, strict=True)
        ]
    )
    packages = most_used_packages()
    return {
        "top_users": [
            {"user": user, "row": row, "cost": str(prices.cost(user.usage))}
            for user, row in zip(users, rows, strict=True)
        ],
        "packages": charts.ranked_rows(
            [
                charts.Row(f"{p.name} ({p.get_language_display()})", p.count, f"{p.count:,}")
                for p in packages
            ]
        ),
    }
