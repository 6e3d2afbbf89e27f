from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from sandboxes.models import KillSwitch


def runs_paused(request) -> dict:
    """The kill switch's message, shown to everyone on every page while it is on; lazy,
    so pages that show no banner (partials, the admin) query nothing."""
    return {"runs_paused_banner": SimpleLazyObject(lambda: KillSwitch.paused_message() or "")}
