"""Reading a request body with a size limit (413 past it)."""

from __future__ import annotations

from django.conf import settings

from api.errors import ApiError
from config.numbers import ascii_int


def request_body(request) -> bytes:
    """The body, at most API_MAX_BODY_BYTES. A body announced as larger is refused before
    it is read. (Django's ASGI handler has already spooled it: put a body limit on the
    reverse proxy too, e.g. nginx's client_max_body_size.)"""
    limit = settings.API_MAX_BODY_BYTES
    too_large = ApiError(413, f"The request body is limited to {limit:,} bytes.", limit=limit)
    announced = ascii_int(request.META.get("CONTENT_LENGTH")) or 0
    if announced > limit:
        raise too_large
    body = request.read(limit + 1)
    if len(body) > limit:
        raise too_large
    return body
