from __future__ import annotations

from collections.abc import Iterable

from quotas import clock
from quotas.models import Quota


def quota_get(*, user) -> Quota:
    return Quota.objects.select_related("tier", "user").get(user=user)


def quota_rate_limit(*, user, quota: Quota | None = None) -> tuple[int, int]:
    """The user's API rate limit: (requests, window in seconds). Read on every API request:
    from `quota` (theirs, with its tier) when the caller has it, else in one query."""
    if quota is None:
        quota = (
            Quota.objects.select_related("tier")
            .only("overrides", "tier__rate_limit_requests", "tier__rate_limit_window_seconds")
            .get(user=user)
        )
    limits = quota.limits
    return limits.rate_limit_requests, limits.rate_limit_window_seconds


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
