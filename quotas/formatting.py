"""Human-readable quota numbers, shared by messages, templates and the admin."""

from __future__ import annotations

from datetime import UTC, datetime


def format_duration(seconds: int | None) -> str:
    """7200 -> "2 h", 2700 -> "45 min", 5430 -> "1 h 30 min", 42 -> "42 s"."""
    if seconds is None:
        return "unlimited"
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours and minutes:
        return f"{hours:,} h {minutes} min"
    if hours:
        return f"{hours:,} h"
    return f"{minutes} min"


def format_moment(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
