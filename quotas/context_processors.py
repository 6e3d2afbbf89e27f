from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from quotas.selectors import quota_banner


def banner(request) -> dict:
    """A signed-in user's quota warning, above every page; lazy, so pages that show no
    banner (partials, the admin) query nothing."""

    def text() -> str:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        return quota_banner(user=user) or ""

    return {"quota_banner": SimpleLazyObject(text)}
