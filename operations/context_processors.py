from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def banners(request) -> dict:
    """The kill switch's message for everyone, and a quota warning for a signed-in user;
    lazy, so pages that show no banner (partials, the admin) query nothing."""
    from operations.models import OperatorSettings
    from operations.services import quota_banner

    def paused() -> str:
        config = OperatorSettings.load()
        return config.pause_text() if config.runs_paused else ""

    def quota() -> str:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        return quota_banner(user) or ""

    return {"runs_paused_banner": SimpleLazyObject(paused), "quota_banner": SimpleLazyObject(quota)}
