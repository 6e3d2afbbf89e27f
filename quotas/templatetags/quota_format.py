from __future__ import annotations

from django import template

from quotas.formatting import format_duration

register = template.Library()


@register.filter
def duration(seconds: int | None) -> str:
    """{{ 7200|duration }} -> "2 h"; None -> "unlimited"."""
    return format_duration(seconds)


@register.filter
def limit(value: int | None) -> str:
    """{{ 2000|limit }} -> "2,000"; None -> "unlimited"."""
    return "unlimited" if value is None else f"{value:,}"
