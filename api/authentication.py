"""Who is calling: a bearer token (programs) or the browser session (people).

Token requests need no CSRF token (a browser never adds an Authorization header on its
own); session requests that change state must pass Django's CSRF check as any form does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone

from accounts.throttle import token_failed, token_refused_until
from api.errors import ApiError
from api.models import ApiToken
from api.selectors.tokens import api_token_find
from api.services.tokens import api_token_used
from quotas.models import Quota

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}


@dataclass(frozen=True)
class ApiClient:
    user: AbstractBaseUser
    token: ApiToken | None  # None: the browser session
    # The user's quota and tier, read with their token (the rate limit and a run's start
    # use them); None for the browser session.
    quota: Quota | None = None

    @property
    def rate_key(self) -> str:
        """What the rate limit counts: the user, whichever of their tokens (or their
        session) calls, so that making more tokens does not raise the limit."""
        return f"user:{self.user.pk}"


def authenticate(request) -> ApiClient:
    """The caller, or ApiError 401 (no or bad credentials) / 403 (CSRF)."""
    header = request.headers.get("Authorization")
    if header is not None:
        return _token_client(request, header)
    user = request.user
    if not user.is_authenticated:
        raise ApiError(
            401,
            "Authentication required: send `Authorization: Bearer <token>` "
            "(create a token on your account page).",
            headers=CHALLENGE,
        )
    if request.method not in SAFE_METHODS:
        _check_csrf(request)
    return ApiClient(user=user, token=None)


def _token_client(request, header: str) -> ApiClient:
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise ApiError(401, "Use `Authorization: Bearer <token>`.", headers=CHALLENGE)
    return token_authenticate(request, secret)


def token_authenticate(request, secret: str) -> ApiClient:
    """The owner of API token `secret`, however the caller sent it (the compatible APIs
    take it in their own headers), or ApiError 401 / 429 (too many bad tokens)."""
    # Guessing tokens is guessing passwords: bad ones count against the caller's address
    # (accounts/throttle.py), and while it is locked out no token is even looked up.
    if (until := token_refused_until(request)) is not None:
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
        raise ApiError(
            429,
            f"Too many invalid API tokens from this address: try again in {seconds} s.",
            headers={"Retry-After": str(seconds)},
            limit="login",
            resetsAt=until.isoformat(),
        )
    token = api_token_find(secret=secret)
    if token is None:
        token_failed(request)
        raise ApiError(401, "This API token is not valid (mistyped or revoked).", headers=CHALLENGE)
    api_token_used(token=token)
    return ApiClient(user=token.user, token=token, quota=token.user.quota)


def _check_csrf(request) -> None:
    check = CsrfViewMiddleware(lambda request: None)
    check.process_request(request)
    if check.process_view(request, None, (), {}) is not None:
        raise ApiError(
            403,
            "CSRF check failed: a signed-in browser must send the X-CSRFToken header "
            "(programs should use an API token instead).",
        )
