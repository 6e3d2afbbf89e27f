from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from operations.services import quota_banner


def banners(request) -> dict:
    """A quota warning for a signed-in user; lazy, so pages that show no banner (partials,
    the admin) query nothing."""

    def quota() -> str:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        return quota_banner(user) or ""

    return {"quota_banner": SimpleLazyObject(quota)}
