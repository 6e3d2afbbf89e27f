"""What every compatible-API view shares: the same checks as the HTTP API's (method,
API token, rate limit), with the token read from that API's own header and every error
answered in that API's own shape."""

from __future__ import annotations

import functools
from collections.abc import Callable

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from api.authentication import token_authenticate
from api.endpoint import api_error_of, client_admit, response_finish
from api.errors import ApiError

# A caller without a token is told which header to send.
Credentials = Callable[[HttpRequest], str | None]
Render = Callable[[ApiError], HttpResponse]


def compat_endpoint(*methods: str, credentials: Credentials, render: Render, header: str):
    """Decorate an async view of a compatible API. `credentials` reads the API token from
    the request (None: none sent; `header` names where it goes), `render` turns an
    ApiError (of any status) into that API's answer."""
    allowed = frozenset(methods)

    def decorator(view):
        @functools.wraps(view)
        async def endpoint(request, *args, **kwargs):
            try:
                if request.method not in allowed:
                    raise ApiError(405, f"{request.method} is not allowed here.")
                await sync_to_async(_admit)(request, credentials, header)
                response = await view(request, *args, **kwargs)
            except Exception as error:  # noqa: BLE001 (re-raised unless it is ours)
                response = render(api_error_of(error))
            patch_vary_headers(response, [header])
            return response_finish(request, response)

        # A token is required on every request: no session, so no CSRF to check.
        return csrf_exempt(endpoint)

    return decorator


def _admit(request, credentials: Credentials, header: str) -> None:
    secret = (credentials(request) or "").strip()
    if not secret:
        raise ApiError(401, f"Authentication required: send an API token in `{header}`.")
    client_admit(request, token_authenticate(request, secret))


def with_headers(response: HttpResponse, error: ApiError) -> HttpResponse:
    for name, value in error.headers.items():
        response[name] = value
    return response
