"""Every change to quota state. Counters move only through conditional F() UPDATEs whose
row count decides, so concurrent requests can never overspend (no read-then-write)."""

from __future__ import annotations

import math

from django.db import transaction
from django.db.models import F, Q, QuerySet

from quotas import clock
from quotas.exceptions import QuotaExceeded
from quotas.formatting import format_duration, format_moment
from quotas.models import DEFAULT_TIER_NAME, OVERRIDABLE, Quota, Reservation, Tier

# A reservation misses only when another run took capacity between our read and our
# UPDATE; each miss is someone else's progress, so a few attempts are plenty.
RESERVE_ATTEMPTS = 5


@transaction.atomic
def quota_create_for_user(*, user, tier: Tier | None = None) -> Quota:
    if tier is None:
        try:
            tier = Tier.objects.get(name=DEFAULT_TIER_NAME)
        except Tier.DoesNotExist:
            raise Tier.DoesNotExist(
                f'New users get the "{DEFAULT_TIER_NAME}" tier, which does not exist. '
                "Run `manage.py migrate` or create it in the admin."
            ) from None
    quota, _ = Quota.objects.get_or_create(
        user=user, defaults={"tier": tier, "period_start": clock.now()}
    )
    return quota


@transaction.atomic
def quota_roll_over(*, user) -> bool:
    """Start a new period if the current one has ended. Returns whether it rolled over."""
    return _roll_over(Quota.objects.filter(user=user)) == 1


def quota_reserve(
    *, user, timeout_seconds: int | None = None, vcpus: int = 1, quota: Quota | None = None
) -> Reservation:
    """Hold one run's worth of quota: a monthly execution, a concurrency slot and the run's
    vCPU-seconds (its wall time times its `vcpus`). Raises QuotaExceeded. The reservation's
    seconds are a whole number of seconds at `vcpus`: divided by them, the run's timeout.

    `quota`: the user's with its tier, if the caller has just read it (it is not read
    again). Its counters may be stale: the claim is a conditional UPDATE that misses then,
    and a refusal is only ever given on a fresh read."""
    if timeout_seconds is not None and timeout_seconds < 1:
        raise ValueError("timeout_seconds must be at least 1")
    if vcpus < 1:
        raise ValueError("vcpus must be at least 1")
    fresh = quota is None
    if fresh:
        quota = Quota.objects.select_related("tier").get(user=user)
    if quota.is_period_over(clock.now()):
        # Only then: a write that changes nothing still takes SQLite's write lock. (Inside
        # a caller's transaction a refusal undoes it: execution_start rolls over again.)
        quota_roll_over(user=user)
        quota = None
    for _attempt in range(RESERVE_ATTEMPTS):
        if quota is None:
            quota, fresh = Quota.objects.select_related("tier").get(user=user), True
        if not fresh and _is_exhausted(quota, vcpus):
            quota = None  # perhaps only on the caller's older read: read it again
            continue
        _raise_if_exhausted(quota, vcpus)
        seconds = _run_seconds(quota, timeout_seconds, vcpus)
        if seconds == 0:  # only a tier whose longest run is under a second per vCPU
            raise QuotaExceeded(
                limit="max_run_seconds",
                message=f"Your tier's longest run ({quota.limits.max_run_seconds} s of vCPU "
                f"time) is less than one second at {vcpus} vCPUs: ask for fewer.",
            )
        # The claim and its record, together (in the caller's transaction if there is
        # one: no savepoint, and refusals are raised outside it).
        with transaction.atomic(savepoint=False):
            claimed = Quota.objects.filter(_room_for(quota, seconds)).update(
                runs_used=F("runs_used") + 1,
                runs_active=F("runs_active") + 1,
                compute_seconds_reserved=F("compute_seconds_reserved") + seconds,
            )
            if claimed == 1:
                return Reservation.objects.create(
                    quota=quota, seconds_reserved=seconds, created_at=clock.now()
                )
        quota = None  # someone else moved it: read it again
    _raise_if_exhausted(Quota.objects.select_related("tier").get(user=user), vcpus)
    raise QuotaExceeded(
        limit="concurrency", message="Too many runs are starting at once. Try again."
    )


@transaction.atomic(savepoint=False)  # one run's end: its caller's transaction is enough
def quota_settle(
    *,
    reservation: Reservation,
    compute_seconds: float,
    vcpus: int = 1,
    install_seconds: int = 0,
) -> bool:
    """Charge a finished run its `compute_seconds` of wall time times its `vcpus` (rounded
    up to whole vCPU-seconds, never above what it reserved) and free its slot and reserved
    seconds. Exactly once: returns whether this call settled it.

    `install_seconds`, building the run's packages, is charged on top: an install's
    length is not known when the run reserves, so a quota can be overrun by at most one
    install (SANDBOX_INSTALL_TIMEOUT) per concurrent run; the next run is then refused."""
    seconds_reserved = reservation.seconds_reserved
    charged = min(math.ceil(max(compute_seconds, 0.0) * vcpus), seconds_reserved)
    settled_at = clock.now()
    claimed = Reservation.objects.filter(pk=reservation.pk, settled_at__isnull=True).update(
        settled_at=settled_at, seconds_charged=charged
    )
    if claimed != 1:
        return False
    Quota.objects.filter(pk=reservation.quota_id).update(
        runs_active=F("runs_active") - 1,
        compute_seconds_reserved=F("compute_seconds_reserved") - seconds_reserved,
        compute_seconds_used=F("compute_seconds_used") + charged + max(0, install_seconds),
    )
    reservation.settled_at = settled_at
    reservation.seconds_charged = charged
    return True


@transaction.atomic
def quota_reset(*, quotas: QuerySet[Quota]) -> int:
    """Start a new period now. Runs in flight keep their slots and reserved seconds."""
    return quotas.update(runs_used=0, compute_seconds_used=0, period_start=clock.now())


@transaction.atomic
def quota_set_overrides(*, quota: Quota, overrides: dict) -> None:
    """Set the tier limits overridden for this user alone ({name: value}; an empty dict
    gives them back their tier's). Only that column is written: the counters move on."""
    unknown = sorted(set(overrides) - set(OVERRIDABLE))
    if unknown:
        raise ValueError(f"not a limit that can be overridden: {', '.join(unknown)}")
    Quota.objects.filter(pk=quota.pk).update(overrides=overrides)
    quota.overrides = overrides


@transaction.atomic
def quota_change_tier(*, quotas: QuerySet[Quota], tier: Tier) -> int:
    return quotas.update(tier=tier)


def _roll_over(quotas: QuerySet[Quota]) -> int:
    now = clock.now()
    return quotas.period_over(now).update(runs_used=0, compute_seconds_used=0, period_start=now)


def _run_seconds(quota: Quota, timeout_seconds: int | None, vcpus: int) -> int:
    """The vCPU-seconds to hold: the tier's longest run, the timeout at `vcpus` and what is
    left, whichever is least, in whole seconds of the run's wall time."""
    seconds = quota.limits.max_run_seconds
    if timeout_seconds is not None:
        seconds = min(seconds, timeout_seconds * vcpus)
    left = quota.compute_seconds_left()
    if left is not None:
        seconds = min(seconds, left)
    return seconds // vcpus * vcpus


def _room_for(quota: Quota, seconds: int) -> Q:
    tier = quota.limits  # the tier's, or this user's own
    room = Q(pk=quota.pk, tier_id=quota.tier_id, runs_active__lt=tier.max_concurrent_runs)
    if tier.monthly_executions is not None:
        room &= Q(runs_used__lt=tier.monthly_executions)
    if tier.compute_seconds is not None:
        # used + reserved + seconds <= limit, written so the row's own values are compared.
        room &= Q(
            compute_seconds_used__lte=tier.compute_seconds - seconds - F("compute_seconds_reserved")
        )
    return room


def _is_exhausted(quota: Quota, vcpus: int) -> bool:
    try:
        _raise_if_exhausted(quota, vcpus)
    except QuotaExceeded:
        return True
    return False


def _raise_if_exhausted(quota: Quota, vcpus: int = 1) -> None:
    tier = quota.limits
    resets_at = quota.period_end()
    resets = f"Resets on {format_moment(resets_at)}."
    if tier.monthly_executions is not None and quota.runs_used >= tier.monthly_executions:
        raise QuotaExceeded(
            limit="monthly_executions",
            resets_at=resets_at,
            message=(
                f"Monthly executions used up: {quota.runs_used} of "
                f"{tier.monthly_executions}. {resets}"
            ),
        )
    left = quota.compute_seconds_left()
    if left is not None and 0 < left < vcpus:
        raise QuotaExceeded(
            limit="compute_seconds",
            resets_at=resets_at,
            message=(
                f"Compute time left ({format_duration(left)} of vCPU time) is less than one "
                f"second at {vcpus} vCPUs: ask for fewer. {resets}"
            ),
        )
    if left == 0:
        held = quota.compute_seconds_reserved
        in_flight = f" ({format_duration(held)} held by runs in progress)" if held else ""
        raise QuotaExceeded(
            limit="compute_seconds",
            resets_at=resets_at,
            message=(
                f"Compute time used up: {format_duration(quota.compute_seconds_used)} of "
                f"{format_duration(tier.compute_seconds)}{in_flight}. {resets}"
            ),
        )
    if quota.runs_active >= tier.max_concurrent_runs:
        raise QuotaExceeded(
            limit="concurrency",
            message=(
                f"Too many runs at once: {quota.runs_active} of "
                f"{tier.max_concurrent_runs} running. Wait for one to finish."
            ),
        )
