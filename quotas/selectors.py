from __future__ import annotations

from collections.abc import Iterable

from quotas import clock
from quotas.models import Quota


def quota_get(*, user) -> Quota:
    return Quota.objects.select_related("tier", "user").get(user=user)


def quota_rate_limit(*, user) -> tuple[int, int]:
    """The user's API rate limit: (requests, window in seconds). One query: it is read on
    every API request."""
    requests, window, overrides = (
        Quota.objects.filter(user=user)
        .values_list("tier__rate_limit_requests", "tier__rate_limit_window_seconds", "overrides")
        .get()
    )
    return (
        overrides.get("rate_limit_requests", requests),
        overrides.get("rate_limit_window_seconds", window),
    )


def quota_max_timeout(*, user, vcpus: int | None = None) -> int:
    """The longest run (wall seconds) the user may start now at `vcpus` (None: the tier's
    default): the tier's longest run, capped by the compute left, both in vCPU-seconds
    (0 when none are left)."""
    quota = quota_get(user=user)
    left = quota.compute_seconds_left(now=clock.now())
    longest = quota.limits.max_run_seconds
    seconds = longest if left is None else min(longest, left)
    return seconds // (vcpus or quota.limits.vcpus_default)


def quota_list(
    *,
    usernames: Iterable[str] = (),
    tier_name: str | None = None,
    period_over: bool = False,
):
    """Quotas matching every given filter (all quotas when none is given)."""
    quotas = Quota.objects.all()
    if usernames:
        quotas = quotas.filter(user__username__in=list(usernames))
    if tier_name:
        quotas = quotas.filter(tier__name=tier_name)
    if period_over:
        quotas = quotas.period_over(clock.now())
    return quotas
