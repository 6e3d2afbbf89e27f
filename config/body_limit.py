"""Request bodies past a size limit are refused before the app reads them.

ASGI middleware in front of Django: a Content-Length over the limit is a 413 at once, the
body unread (Django's handler would otherwise spool all of it to a temporary file before
any view could look); a body sent without a length (chunked) is read only up to the limit.
API paths answer with the API's JSON 413, other paths in plain text.

Daphne (Twisted) itself receives a whole request before handing it to the application:
the reverse proxy's limit (nginx's client_max_body_size, docs/deployment.md) is what stops
a client from sending it at all.
"""

from __future__ import annotations

import tempfile

from django.conf import settings

from api.body import too_large
from api.errors import ApiError
from config.numbers import ascii_int

# Bodies without a Content-Length are held in memory up to this size, then on disk.
SPOOL_BYTES = 1024 * 1024
CHUNK_BYTES = 64 * 1024


class RequestBodyLimit:
    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.application(scope, receive, send)
        is_api = scope["path"].startswith("/api/")
        limit = settings.API_MAX_BODY_BYTES if is_api else settings.REQUEST_MAX_BODY_BYTES
        length = _header(scope, b"content-length")
        if length is not None:
            announced = ascii_int(length)
            if announced is None:
                error = ApiError(400, "Content-Length is not a number.")
                return await _answer(send, error, is_api)
            if announced > limit:
                return await _answer(send, too_large(limit), is_api)
            # The server delivers no more than the Content-Length it accepted.
            return await self.application(scope, receive, send)
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as body:
            message = {"more_body": True}
            while message.get("more_body", False):
                message = await receive()
                if message["type"] != "http.request":  # the client went away
                    return None
                body.write(message.get("body", b""))
                if body.tell() > limit:
                    return await _answer(send, too_large(limit), is_api)
            return await self.application(scope, _replay(body, receive), send)


def _replay(body, receive):
    """A receive() giving the body read so far again, then the client's own messages."""
    size = body.tell()
    body.seek(0)
    replayed_all = False

    async def replay():
        nonlocal replayed_all
        if replayed_all:
            return await receive()
        chunk = body.read(CHUNK_BYTES)
        more = body.tell() < size
        replayed_all = not more
        return {"type": "http.request", "body": chunk, "more_body": more}

    return replay


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin1").strip()
    return None


async def _answer(send, error: ApiError, is_api: bool) -> None:
    """The API's JSON error, or the same message in plain text for pages."""
    if is_api:
        response = error.response()
        body = response.content
        headers = [(k.lower().encode("latin1"), v.encode("latin1")) for k, v in response.items()]
    else:
        body = error.message.encode()
        headers = [(b"content-type", b"text/plain; charset=utf-8")]
    headers += [(b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
