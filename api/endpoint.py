"""`api_endpoint`: what every API view shares, so views only parse, call and render.

Method check (405), authentication (401, CSRF 403), the per-client rate limit (429),
and errors raised by the view or the services below it turned into JSON answers.

Async views reach the ORM with `sync_to_async` while they answer: that runs in the
request's own thread, and Django closes its connection when the request ends (as for any
view). Only a stream that outlives that rhythm uses `database_sync_to_async`, which
closes stale connections around every call (see sandboxes/runs/reader.py).
"""

from __future__ import annotations

import functools
import inspect

from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from api.authentication import ApiClient, authenticate
from api.errors import ApiError, invalid, quota_refused, runs_paused
from api.ratelimit import rate_limit_hit
from quotas.exceptions import QuotaExceeded
from quotas.selectors import quota_rate_limit
from sandboxes.runs.kill_switch import RunsPaused


def api_endpoint(*methods: str):
    """Decorate a sync or async API view; `methods` are the HTTP methods it answers."""
    allowed = frozenset(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorator(view):
        if inspect.iscoroutinefunction(view):

            @functools.wraps(view)
            async def endpoint(request, *args, **kwargs):
                try:
                    await sync_to_async(_admit)(request, allowed)
                    response = await view(request, *args, **kwargs)
                except Exception as error:  # noqa: BLE001 (re-raised unless it is ours)
                    response = _error_response(error)
                return response_finish(request, response)

        else:

            @functools.wraps(view)
            def endpoint(request, *args, **kwargs):
                try:
                    _admit(request, allowed)
                    response = view(request, *args, **kwargs)
                except Exception as error:  # noqa: BLE001 (re-raised unless it is ours)
                    response = _error_response(error)
                return response_finish(request, response)

        # Token requests carry no CSRF token; authenticate() checks session requests.
        return csrf_exempt(endpoint)

    return decorator


def _admit(request, allowed: frozenset[str]) -> None:
    if request.method not in allowed:
        raise ApiError(
            405,
            f"{request.method} is not allowed here.",
            headers={"Allow": ", ".join(sorted(allowed))},
        )
    client_admit(request, authenticate(request))


def client_admit(request, client: ApiClient) -> None:
    """Let an authenticated `client` in, within its tier's rate limit (ApiError 429)."""
    request.user = client.user
    request.api_client = client
    limit, window = quota_rate_limit(user=client.user, quota=client.quota)
    request.rate_limit = rate_limit_hit(client.rate_key, limit=limit, window_seconds=window)
    if not request.rate_limit.allowed:
        raise ApiError(
            429,
            f"Too many requests: {limit} per {window} s. Slow down.",
            headers={"Retry-After": str(request.rate_limit.reset_seconds)},
            limit="rate",
            resetsAt=request.rate_limit.resets_at.isoformat(),
        )


def _error_response(error: Exception) -> HttpResponse:
    return api_error_of(error).response()


def api_error_of(error: Exception) -> ApiError:
    """The API's answer to an error raised below a view; other errors are re-raised."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, RunsPaused):  # before ValidationError, which it is too
        return runs_paused(error)
    if isinstance(error, ValidationError):
        return invalid(error)
    if isinstance(error, QuotaExceeded):
        return quota_refused(error)
    if isinstance(error, Http404):
        return ApiError(404, str(error) or "Not found.")
    raise error


def response_finish(request, response: HttpResponse) -> HttpResponse:
    rate_limit = getattr(request, "rate_limit", None)
    if rate_limit is not None:
        for name, value in rate_limit.headers().items():
            response[name] = value
    # Answers depend on who asks, and hold their private data.
    patch_vary_headers(response, ["Authorization", "Cookie"])
    patch_cache_control(response, private=True, no_store=True)
    return response
