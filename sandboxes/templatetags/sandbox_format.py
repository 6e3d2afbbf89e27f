from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def run_duration(milliseconds: int | None) -> str:
    """{{ 85|run_duration }} -> "85 ms"; 1234 -> "1.23 s"; 125000 -> "2 min 5 s".
    (static/js/editor-page.js formats live durations the same way.)"""
    if milliseconds is None:
        return "—"
    if milliseconds < 1000:
        return f"{milliseconds} ms"
    seconds = milliseconds / 1000
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"
