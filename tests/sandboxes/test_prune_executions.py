"""`manage.py prune_executions`: runs past their tier's retention go, with their output and
files; what they used stays in the dashboard's totals."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from operations.selectors import DateRange, daily_stats, top_users_by_compute
from quotas.models import Reservation, Tier
from sandboxes.models import Execution, ExecutionFile, OutputChunk
from tests.factories import ExecutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def prune(*args: str) -> str:
    out = io.StringIO()
    call_command("prune_executions", *args, stdout=out)
    return out.getvalue()


def run_with_output(owner, age_days: int, **fields) -> Execution:
    execution = ExecutionFactory(owner=owner, created_at=days_ago(age_days), **fields)
    OutputChunk.objects.create(execution=execution, seq=1, stream="stdout", data="hi\n")
    ExecutionFile.objects.create(execution=execution, path="out.txt", content=b"x", size=1)
    return execution


@pytest.fixture
def free_user(tier):
    return UserFactory(username="free", tier=tier("free"))  # keeps runs 30 days


@pytest.fixture
def pro_user(tier):
    return UserFactory(username="pro", tier=tier("pro"))  # keeps runs 90 days


def test_runs_older_than_their_tier_keeps_them_go_with_output_and_files(free_user, pro_user):
    old = run_with_output(free_user, 31)
    recent = run_with_output(free_user, 29)
    pro_old = run_with_output(pro_user, 40)

    said = prune()

    assert said == "Deleted 1 run (1 output chunks, 1 files).\n"
    assert set(Execution.objects.values_list("pk", flat=True)) == {recent.pk, pro_old.pk}
    assert not OutputChunk.objects.filter(execution_id=old.pk).exists()
    assert not ExecutionFile.objects.filter(execution_id=old.pk).exists()


def test_older_than_prunes_everyones_runs_past_that_many_days(free_user, pro_user):
    run_with_output(free_user, 11)
    run_with_output(pro_user, 11)
    kept = run_with_output(pro_user, 9)

    prune("--older-than", "10")

    assert list(Execution.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_dry_run_says_what_would_go_and_deletes_nothing(free_user):
    run_with_output(free_user, 31)

    assert prune("--dry-run") == "Would delete 1 run (1 output chunks, 1 files).\n"
    assert Execution.objects.count() == 1


def test_a_run_still_in_progress_is_never_pruned(free_user):
    ExecutionFactory(owner=free_user, created_at=days_ago(100), status="running")

    prune("--older-than", "1")

    assert Execution.objects.count() == 1


def test_a_tier_without_retention_keeps_runs_forever(free_user):
    Tier.objects.filter(name="free").update(retention_days=None)
    run_with_output(free_user, 3650)

    prune()

    assert Execution.objects.count() == 1


def test_settled_reservations_go_with_their_runs(free_user):
    reservation = Reservation.objects.create(
        quota=free_user.quota, seconds_reserved=60, settled_at=days_ago(31), seconds_charged=2
    )
    run_with_output(free_user, 31, reservation=reservation)

    prune()

    assert not Reservation.objects.exists()


def test_the_dashboard_counts_pruned_runs_as_before(free_user, pro_user):
    for age, status in ((35, "succeeded"), (35, "error"), (36, "rejected"), (3, "succeeded")):
        run_with_output(free_user, age, status=status, compute_seconds_charged=7)
    run_with_output(
        pro_user,
        35,
        compute_seconds_charged=5,
        network_bytes_in=4096,
        network_bytes_out=512,
        network_blocked_count=2,
    )
    period = DateRange.last_days(60)

    def totals():
        days = daily_stats(period)
        per_day = [
            (d.day, d.runs, d.rejected, d.ended, d.errors, d.usage)
            + (d.network_in, d.network_out, d.network_refused)
            for d in days
        ]
        users = [(u.username, u.usage) for u in top_users_by_compute(period)]
        return per_day, users

    before = totals()
    prune("--older-than", "30")

    assert Execution.objects.count() == 1
    assert totals() == before
    prune("--older-than", "1")  # pruning again adds to the same days
    assert totals() == before


def test_less_than_a_day_is_refused():
    with pytest.raises(CommandError, match="at least 1 day"):
        prune("--older-than", "0")
