"""What every page's header needs to know about accounts."""

from __future__ import annotations

from django.conf import settings


def registration(request) -> dict:
    """Whether this server takes sign-ups (REGISTRATION_OPEN): the header and the landing
    page offer "Sign up" only then."""
    return {"registration_open": settings.REGISTRATION_OPEN}
