"""Human-readable quota numbers, shared by messages, templates and the admin."""

from __future__ import annotations

from datetime import UTC, datetime


def format_duration(seconds: int | None) -> str:
    """7200 -> "2 h", 2700 -> "45 min", 90 -> "1 min 30 s", 5430 -> "1 h 30 min 30 s".

    Exact to the second, never rounded: a quota's "left" must not read as used up (59 s
    left as "0 min") nor its "used" as less than it is."""
    if seconds is None:
        return "unlimited"
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours:,} h" if hours else "", f"{minutes} min" if minutes else ""]
    parts.append(f"{seconds} s" if seconds else "")
    return " ".join(part for part in parts if part)


def format_moment(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
