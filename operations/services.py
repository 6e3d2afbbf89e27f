"""Operations' state changes: alerts that fire once per crossing.

Alerts are found by `alerts_check` (`manage.py check_alerts`, from cron every minute or
so), not in the run path: a run never waits for a mail server, and the state rows make
each crossing mail once however often the check runs, even two checks at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from operations.models import OperatorSettings, QuotaAlert, RateAlert
from operations.selectors import WindowRates, rates_since
from quotas.formatting import format_duration, format_moment
from quotas.models import PERIOD, Quota
from quotas.selectors import QUOTA_LEVELS, quota_level

logger = logging.getLogger(__name__)


@dataclass
class AlertReport:
    quota_emails: list[str] = field(default_factory=list)  # "user: 80% of compute time"
    rate_changes: list[str] = field(default_factory=list)  # "error rate: firing (12.5%)"


def alerts_check(*, now: datetime | None = None) -> AlertReport:
    now = now or timezone.now()
    return AlertReport(
        quota_emails=quota_alerts_send(now=now), rate_changes=rate_alerts_check(now=now)
    )


# --- users near their quota -------------------------------------------------------------


def quota_alerts_send(*, now: datetime) -> list[str]:
    """Email each user who reached 80 % or 100 % of a limit this period, once per level.

    Levels skipped between two checks are recorded too, so a user who jumped from 50 %
    to 100 % gets one email, and never a late one about 80 %. Users without a verified
    email address see the banner only."""
    near = Q(runs_used__gte=F("tier__monthly_executions") * 0.8) | Q(
        compute_seconds_used__gte=F("tier__compute_seconds") * 0.8
    )
    quotas = (
        Quota.objects.filter(near, period_start__gt=now - PERIOD)
        .exclude(user__email="")
        .filter(user__verified_email=F("user__email"))  # an address its owner proved
        .select_related("user", "tier")
    )
    sent = []
    for quota in quotas:
        tier = quota.limits
        for limit, used, cap in (
            (QuotaAlert.Limit.EXECUTIONS, quota.runs_used, tier.monthly_executions),
            (QuotaAlert.Limit.COMPUTE, quota.compute_seconds_used, tier.compute_seconds),
        ):
            level = quota_level(used, cap)
            if level is None:
                continue
            for reached in QUOTA_LEVELS:
                if reached <= level:
                    _record_quota_alert(quota, limit, reached)
            if (told := _tell_quota_alert(quota, limit, now)) is not None:
                sent.append(f"{quota.user}: {told}% of {limit.label}")
    return sent


def _record_quota_alert(quota: Quota, limit: str, level: int) -> None:
    """A crossing, once: the unique constraint turns a repeat into nothing."""
    try:
        with transaction.atomic():
            QuotaAlert.objects.create(
                user_id=quota.user_id, period_start=quota.period_start, limit=limit, level=level
            )
    except IntegrityError:
        pass


def _tell_quota_alert(quota: Quota, limit: str, now: datetime) -> int | None:
    """Email a limit's crossings not yet told as one message (about the highest level);
    the level told, or None. Claimed with a conditional UPDATE first, so two checks
    never both send; handed back when the mail fails, for the next check to retry."""
    pending = QuotaAlert.objects.filter(
        user_id=quota.user_id, period_start=quota.period_start, limit=limit
    ).filter(emailed_at__isnull=True)
    levels = dict(pending.values_list("pk", "level"))
    if not levels:
        return None
    claimed = QuotaAlert.objects.filter(pk__in=levels, emailed_at__isnull=True)
    if not claimed.update(emailed_at=now):
        return None
    level = max(levels.values())
    try:
        _email_quota_alert(quota, limit, level)
    except Exception:
        logger.exception("could not email %s about their quota; the next check retries", quota)
        QuotaAlert.objects.filter(pk__in=levels).update(emailed_at=None)
        return None
    return level


def _email_quota_alert(quota: Quota, limit: str, level: int) -> None:
    tier = quota.limits
    if limit == QuotaAlert.Limit.EXECUTIONS:
        usage = f"{quota.runs_used:,} of {tier.monthly_executions:,} runs"
    else:
        used = format_duration(quota.compute_seconds_used)
        usage = f"{used} of {format_duration(tier.compute_seconds)}"
    context = {
        "user": quota.user,
        "quota": quota,
        "limit": QuotaAlert.Limit(limit),
        "level": level,
        "usage": usage,
        "resets": format_moment(quota.period_end()),
        "profile_url": settings.SITE_URL + reverse("profile"),
    }
    subject = render_to_string("operations/email/quota_alert_subject.txt", context).strip()
    body = render_to_string("operations/email/quota_alert.txt", context)
    send_mail(subject, body, None, [quota.user.email])


# --- operators: error and timeout rates -------------------------------------------------


def rate_alerts_check(*, now: datetime) -> list[str]:
    """Compare the last window's error and timeout rates with their thresholds; email
    operators when one starts or stops being over (never while it stays)."""
    config = OperatorSettings.load()
    rates = rates_since(now - timedelta(minutes=config.alert_window_minutes))
    changes = []
    for kind, value, threshold in (
        (RateAlert.Kind.ERROR_RATE, rates.error_rate, config.error_rate_threshold),
        (RateAlert.Kind.TIMEOUT_RATE, rates.timeout_rate, config.timeout_rate_threshold),
    ):
        over = (
            threshold > 0
            and rates.ended >= config.alert_min_runs
            and value is not None
            and value >= threshold
        )
        RateAlert.objects.get_or_create(kind=kind)
        # The conditional UPDATE decides who sends: only the check that flips the state.
        flipped = RateAlert.objects.filter(kind=kind, firing=not over).update(
            firing=over, changed_at=now
        )
        RateAlert.objects.filter(kind=kind).update(rate=value, runs=rates.ended, checked_at=now)
        if flipped:
            try:
                _email_rate_alert(config, kind, over, value, threshold, rates)
            except Exception:
                logger.exception("could not email the %s alert; the next check retries", kind)
                RateAlert.objects.filter(kind=kind, firing=over).update(firing=not over)
                continue
            changes.append(f"{kind.label}: {'firing' if over else 'resolved'} ({value or 0:.1f}%)")
    return changes


def _email_rate_alert(
    config: OperatorSettings,
    kind: RateAlert.Kind,
    firing: bool,
    value: float | None,
    threshold: int,
    rates: WindowRates,
) -> None:
    recipients = config.alert_recipients()
    if not recipients:
        return
    context = {
        "kind": kind,
        "firing": firing,
        "rate": value or 0,
        "threshold": threshold,
        "rates": rates,
        "window": config.alert_window_minutes,
        "dashboard_url": settings.SITE_URL + reverse("operations_dashboard"),
    }
    subject = render_to_string("operations/email/rate_alert_subject.txt", context).strip()
    body = render_to_string("operations/email/rate_alert.txt", context)
    send_mail(subject, body, None, recipients)
