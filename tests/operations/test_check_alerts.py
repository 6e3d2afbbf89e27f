"""check_alerts: users at 80 % and 100 % of a quota, operators when error or timeout
rates cross their thresholds; each crossing mails once, not on every check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from operations.models import QuotaAlert, RateAlert
from operations.services import alerts_check, quota_alerts_send, rate_alerts_check
from quotas.models import Quota
from quotas.services import quota_reset
from tests.factories import ExecutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def use(user, *, runs=0, seconds=0):
    Quota.objects.filter(user=user).update(runs_used=runs, compute_seconds_used=seconds)


def test_a_user_at_80_percent_of_their_runs_is_told_once(owner):
    use(owner, runs=40)  # free tier: 50 runs

    first = quota_alerts_send(now=timezone.now())
    second = quota_alerts_send(now=timezone.now())

    assert first == ["owner: 80% of executions"]
    assert second == []
    assert len(mail.outbox) == 1
    (message,) = mail.outbox
    assert message.to == ["owner@example.com"]
    assert message.subject == "You have used 80% of your executions this period"
    assert "40 of 50 runs" in message.body
    assert QuotaAlert.objects.get().emailed_at is not None


def test_a_mail_that_fails_is_sent_by_the_next_check(owner, monkeypatch):
    use(owner, runs=40)
    monkeypatch.setattr("operations.services.send_mail", fail)

    failed = quota_alerts_send(now=timezone.now())
    monkeypatch.undo()
    retried = quota_alerts_send(now=timezone.now())

    assert (failed, retried) == ([], ["owner: 80% of executions"])
    assert len(mail.outbox) == 1


def fail(*args, **kwargs):
    raise ConnectionRefusedError("the mail server is down")


def test_below_80_percent_nobody_is_told(owner):
    use(owner, runs=39, seconds=5_700)  # 78 % and 79 %

    assert quota_alerts_send(now=timezone.now()) == []
    assert mail.outbox == []


def test_reaching_100_percent_later_is_a_second_crossing(owner):
    use(owner, seconds=6_000)  # free tier: 2 h of compute
    quota_alerts_send(now=timezone.now())
    use(owner, seconds=7_200)

    quota_alerts_send(now=timezone.now())
    quota_alerts_send(now=timezone.now())

    subjects = [message.subject for message in mail.outbox]
    assert subjects == [
        "You have used 80% of your compute time this period",
        "You have used all of your compute time this period",
    ]


def test_jumping_past_both_levels_sends_one_email_about_the_higher(owner):
    use(owner, runs=50)

    quota_alerts_send(now=timezone.now())
    use(owner, runs=45)  # e.g. the tier grew: the 80 % crossing was already told
    quota_alerts_send(now=timezone.now())

    assert [m.subject for m in mail.outbox] == ["You have used all of your executions this period"]
    assert sorted(QuotaAlert.objects.values_list("level", flat=True)) == [80, 100]


def test_a_new_period_tells_the_user_again(owner):
    use(owner, runs=40)
    quota_alerts_send(now=timezone.now())

    quota_reset(quotas=Quota.objects.filter(user=owner))
    use(owner, runs=41)
    quota_alerts_send(now=timezone.now())

    assert len(mail.outbox) == 2


def test_a_user_without_an_email_address_only_sees_the_banner(owner):
    owner.email = ""
    owner.save()
    use(owner, runs=45)

    assert quota_alerts_send(now=timezone.now()) == []
    assert not QuotaAlert.objects.exists()


def test_an_address_never_verified_gets_no_notice(owner):
    owner.verified_email = ""
    owner.save()
    use(owner, runs=45)

    assert quota_alerts_send(now=timezone.now()) == []
    assert mail.outbox == []


def test_a_changed_address_gets_no_notice_until_verified(owner):
    owner.email = "new-address@example.com"
    owner.save()
    use(owner, runs=45)

    assert quota_alerts_send(now=timezone.now()) == []


def test_a_superuser_whose_address_is_not_verified_gets_no_operator_alert(operators, staff_user):
    operators.alert_emails = ""
    operators.save()
    staff_user.email, staff_user.verified_email = "root@example.com", ""
    staff_user.save()
    finished_runs(10, "error")

    rate_alerts_check(now=timezone.now())

    assert mail.outbox == []


def test_unlimited_tiers_are_never_told(tier):
    user = UserFactory(tier=tier("enterprise"))
    use(user, runs=100_000, seconds=10**8)

    assert quota_alerts_send(now=timezone.now()) == []


def finished_runs(count: int, status: str, *, ago: timedelta = timedelta(minutes=5)):
    user = UserFactory()
    at = timezone.now() - ago
    for _ in range(count):
        ExecutionFactory(owner=user, status=status, finished_at=at, created_at=at)


@pytest.fixture
def operators(operator_settings):
    operator_settings.error_rate_threshold = 10
    operator_settings.timeout_rate_threshold = 30
    operator_settings.alert_min_runs = 10
    operator_settings.alert_emails = "oncall@example.com\nsre@example.com\n"
    operator_settings.save()
    return operator_settings


def test_operators_are_told_when_the_error_rate_crosses_the_threshold_once(operators):
    finished_runs(17, "succeeded")
    finished_runs(3, "error")  # 15 %

    first = rate_alerts_check(now=timezone.now())
    again = rate_alerts_check(now=timezone.now())

    assert first == ["error rate: firing (15.0%)"]
    assert again == []
    (message,) = mail.outbox
    assert message.to == ["oncall@example.com", "sre@example.com"]
    assert message.subject == "[Code Sandboxes] Alert: error rate 15.0% (threshold 10%)"
    assert "ended in error or lost: 3" in message.body
    assert RateAlert.objects.get(kind="error_rate").firing


def test_they_are_told_once_more_when_it_recovers(operators):
    finished_runs(8, "succeeded")
    finished_runs(2, "lost")
    rate_alerts_check(now=timezone.now())

    finished_runs(30, "succeeded")  # 2 of 40: 5 %
    changes = rate_alerts_check(now=timezone.now())
    rate_alerts_check(now=timezone.now())

    assert changes == ["error rate: resolved (5.0%)"]
    assert [m.subject for m in mail.outbox] == [
        "[Code Sandboxes] Alert: error rate 20.0% (threshold 10%)",
        "[Code Sandboxes] Resolved: error rate back to 5.0%",
    ]


def test_an_operator_alert_whose_mail_failed_is_sent_by_the_next_check(operators, monkeypatch):
    finished_runs(10, "error")
    monkeypatch.setattr("operations.services.send_mail", fail)

    failed = rate_alerts_check(now=timezone.now())
    monkeypatch.undo()
    retried = rate_alerts_check(now=timezone.now())

    assert (failed, retried) == ([], ["error rate: firing (100.0%)"])
    assert len(mail.outbox) == 1


def test_a_timeout_rate_alert_is_separate(operators):
    finished_runs(6, "succeeded")
    finished_runs(4, "timed_out")

    assert rate_alerts_check(now=timezone.now()) == ["timeout rate: firing (40.0%)"]
    assert not RateAlert.objects.get(kind="error_rate").firing


def test_too_few_runs_raise_no_alert(operators):
    finished_runs(2, "error")

    assert rate_alerts_check(now=timezone.now()) == []
    assert RateAlert.objects.get(kind="error_rate").rate == 100


def test_runs_outside_the_window_do_not_count(operators):
    finished_runs(20, "error", ago=timedelta(hours=2))  # the window is an hour
    finished_runs(10, "succeeded")

    assert rate_alerts_check(now=timezone.now()) == []


def test_without_listed_emails_superusers_are_told(operators, staff_user):
    operators.alert_emails = ""
    operators.save()
    staff_user.email = staff_user.verified_email = "root@example.com"
    staff_user.save()
    finished_runs(10, "error")

    rate_alerts_check(now=timezone.now())

    assert mail.outbox[0].to == ["root@example.com"]


def test_the_command_says_what_it_sent(owner, operators, capsys):
    use(owner, runs=50)
    finished_runs(10, "error")

    call_command("check_alerts")
    call_command("check_alerts", verbosity=2)

    out = capsys.readouterr().out
    assert out.splitlines() == [
        "Told owner: 100% of executions",
        "Operators told: error rate: firing (100.0%)",
        "Nothing new.",
    ]


def test_alerts_check_does_both(owner, operators):
    use(owner, runs=40)
    finished_runs(10, "timed_out")

    report = alerts_check()

    assert report.quota_emails == ["owner: 80% of executions"]
    assert report.rate_changes == ["timeout rate: firing (100.0%)"]
