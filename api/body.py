"""Reading a request body with a size limit (413 past it)."""

from __future__ import annotations

from django.conf import settings

from api.errors import ApiError
from config.numbers import ascii_int


def too_large(limit: int) -> ApiError:
    return ApiError(413, f"The request body is limited to {limit:,} bytes.", limit=limit)


def request_body(request) -> bytes:
    """The body, at most API_MAX_BODY_BYTES. Under ASGI, config/body_limit.py has already
    refused a larger one before Django read it; this holds for any other caller."""
    limit = settings.API_MAX_BODY_BYTES
    announced = ascii_int(request.META.get("CONTENT_LENGTH")) or 0
    if announced > limit:
        raise too_large(limit)
    body = request.read(limit + 1)
    if len(body) > limit:
        raise too_large(limit)
    return body
