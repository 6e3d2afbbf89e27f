from __future__ import annotations

from collections.abc import Iterable

from quotas import clock
from quotas.formatting import format_duration, format_moment
from quotas.models import Quota

# A user is told (the banner above every page, an email) at these % of a limit.
QUOTA_LEVELS = (80, 100)


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


def quota_max_timeout(*, user, vcpus: int | None = None, quota: Quota | None = None) -> int:
    """The longest run (wall seconds) the user may start now at `vcpus` (None: the tier's
    default): the tier's longest run, capped by the compute left, both in vCPU-seconds
    (0 when none are left). `quota`: the user's, if the caller has just read it."""
    if quota is None:
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


def quota_level(used: int, limit: int | None) -> int | None:
    """The highest alert level (% of the limit) `used` has reached, or None."""
    if limit is None:
        return None
    reached = [level for level in QUOTA_LEVELS if used * 100 >= level * limit]
    return max(reached, default=None)


def quota_banner(*, user) -> str | None:
    """What the app says above every page when the user is at 80 % of a limit or more."""
    quota = Quota.objects.select_related("tier").filter(user=user).first()
    if quota is None or quota.is_period_over(clock.now()):
        return None
    tier = quota.limits
    reached = []
    if quota_level(quota.runs_used, tier.monthly_executions):
        reached.append(f"{quota.runs_used:,} of {tier.monthly_executions:,} runs")
    if quota_level(quota.compute_seconds_used, tier.compute_seconds):
        used = format_duration(quota.compute_seconds_used)
        reached.append(f"{used} of {format_duration(tier.compute_seconds)} compute time")
    if not reached:
        return None
    resets = format_moment(quota.period_end())
    if any(
        used >= cap
        for used, cap in (
            (quota.runs_used, tier.monthly_executions),
            (quota.compute_seconds_used, tier.compute_seconds),
        )
        if cap is not None
    ):
        return f"Quota used up: {' and '.join(reached)}. New runs are refused until {resets}."
    return f"You have used {' and '.join(reached)} this period. It resets on {resets}."
