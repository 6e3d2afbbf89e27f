"""Sign-in throttling: django-axes, configured for growing lock-outs.

Failures are counted per username and per client address (either one locks), on the
sign-in page, the admin's and the API's bearer tokens (per address: a token names no
user). After LOGIN_FAILURE_LIMIT failures the username or address is locked out for
LOGIN_LOCKOUT_SECONDS; every further failure once a lock-out has ended doubles the next one
(up to LOGIN_LOCKOUT_MAX_SECONDS), so guessing slows down the longer it goes on. Failures
are remembered for LOGIN_LOCKOUT_MAX_SECONDS after the last one; signing in forgets the
user's own (not their address's: signing in to one's own account must not reset a count
that guesses at other accounts built up).

Attempts live in the database (axes' AccessAttempt rows): SQLite embedded, PostgreSQL in
production, shared by every process either way.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_credentials
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.shortcuts import render
from django.utils import timezone


def client_address(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the peer's address (Daphne's --proxy-headers puts the real
    client's there behind a proxy), or None when the peer has none (a Unix socket, a test
    client): stored as an IP address, anything else would fail on PostgreSQL."""
    address = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def lockout_parameters(request_or_attempt, credentials: dict | None = None) -> list[str]:
    """AXES_LOCKOUT_PARAMETERS: the username and the address, each on its own; the address
    only when no username was given (a bearer token), so that nameless failures from
    different addresses are not counted together."""
    if isinstance(request_or_attempt, AccessAttempt):
        username = request_or_attempt.username
    else:
        username = get_client_username(request_or_attempt, credentials)
    return ["ip_address"] if username is None else ["username", "ip_address"]


def lockout_window(request=None) -> timedelta:
    """AXES_COOLOFF_TIME: how far back failures count, which is also how long a lock-out
    lasts from the last failure. It doubles with each failure past the limit."""
    base, longest = settings.LOGIN_LOCKOUT_SECONDS, settings.LOGIN_LOCKOUT_MAX_SECONDS
    past_limit = _failures(request) - settings.LOGIN_FAILURE_LIMIT if request else 0
    if past_limit <= 0:
        return timedelta(seconds=base)
    seconds = longest if past_limit >= 40 else min(base * 2**past_limit, longest)
    return timedelta(seconds=seconds)


def retry_at(request, credentials: dict | None = None) -> datetime:
    """When the locked-out client may try again."""
    last = _remembered(request, credentials).aggregate(last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + lockout_window(request)


def token_refused_until(request) -> datetime | None:
    """When an address that sent too many bad API tokens may try again (None: it may now).

    Read on every API request: one query while the address has fewer failures than the
    limit (axes' own check would read them twice)."""
    AxesProxyHandler.update_request(request)
    if _failures(request) < settings.LOGIN_FAILURE_LIMIT:
        return None
    until = retry_at(request, get_credentials(None))
    return until if until > timezone.now() else None


def token_failed(request) -> None:
    """Count a bad API token against the request's address."""
    AxesProxyHandler.user_login_failed(
        sender=__name__, credentials=get_credentials(None), request=request
    )


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the page a locked-out sign-in gets (429), saying when to
    try again. (Axes' async middleware passes the credentials second: ignored, the
    request knows them.)"""
    until = retry_at(request)
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    response = render(
        request,
        "accounts/locked_out.html",
        {"retry_at": until, "retry_seconds": seconds},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


class LoginThrottle(AxesDatabaseHandler):
    """Axes' database handler, remembering failures past their lock-out (so the next one
    can be longer) and forgetting only the user's own on success."""

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        forgotten = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_MAX_SECONDS)
        count, _ = AccessAttempt.objects.filter(attempt_time__lte=forgotten).delete()
        return count

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(username=user.get_username()).delete()


def _remembered(request, credentials: dict | None = None):
    """The failures remembered for this request's username or address."""
    AxesProxyHandler.update_request(request)
    mine = Q(ip_address=request.axes_ip_address)
    username = get_client_username(request, credentials)
    if username is not None:
        mine |= Q(username=username)
    forgotten = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_MAX_SECONDS)
    return AccessAttempt.objects.filter(mine, attempt_time__gt=forgotten)


def _failures(request) -> int:
    """The larger of the username's and the address's remembered failures."""
    rows = _remembered(request)
    by_address = rows.filter(ip_address=request.axes_ip_address)
    username = get_client_username(request)
    counts = [by_address.aggregate(n=Sum("failures_since_start"))["n"] or 0]
    if username is not None:
        by_name = rows.filter(username=username)
        counts.append(by_name.aggregate(n=Sum("failures_since_start"))["n"] or 0)
    return max(counts)
