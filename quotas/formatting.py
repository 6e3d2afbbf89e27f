"""How durations, moments and sizes read, shared by messages, templates, the admin, the
operations dashboard and management commands."""

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


def format_elapsed(seconds: float) -> str:
    """How long something took: 0.085 -> "85 ms", 1.234 -> "1.23 s", 2.5 -> "2.50 s",
    12.34 -> "12.3 s", 125 -> "2 min 5 s", 5430 -> "1 h 30 min 30 s" (from a minute up, the
    whole seconds as format_duration reads them); a whole number of seconds reads as one
    ("2 s", a chart axis's "10 s"). A run's page, the admin, the dashboard and the live
    console (its exit event's `duration`, sandboxes/runs/events.py) read alike."""
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    if seconds < 60:
        if seconds == int(seconds):
            return f"{int(seconds)} s"
        return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"
    return format_duration(round(seconds))


def format_bytes(count: float, *, tenths: bool = False) -> str:
    """Bytes in binary units: 0 B, 512 B, 1.5 KiB, 20 MiB, 3.2 GiB. With `tenths`, every
    unit past bytes shows its tenth (3.0 KiB, 20.0 MiB, 150.0 MiB), as a column of sizes
    reads (the admin's lists, prune_package_cache's lines)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if count < 1024 or unit == "TiB":
            break
        count /= 1024
    if tenths:
        return f"{count:.0f} B" if unit == "B" else f"{count:.1f} {unit}"
    text = f"{count:,.0f}" if unit == "B" or count >= 100 else f"{count:,.1f}".removesuffix(".0")
    return f"{text} {unit}"


def format_moment(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
