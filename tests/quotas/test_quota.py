from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quotas.models import Quota
from tests.factories import TierFactory

START = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def quota(**fields) -> Quota:
    tier = TierFactory.build(monthly_executions=50, compute_seconds=7_200)
    return Quota(tier=tier, period_start=START, **fields)


def test_a_period_ends_30_days_after_it_starts():
    assert quota().period_end() == START + timedelta(days=30)


def test_a_period_is_over_from_its_last_instant():
    assert not quota().is_period_over(START + timedelta(days=30) - timedelta(microseconds=1))
    assert quota().is_period_over(START + timedelta(days=30))


def test_runs_left_counts_down_to_zero_and_no_further():
    assert quota(runs_used=12).runs_left() == 38
    assert quota(runs_used=60).runs_left() == 0


def test_compute_left_excludes_seconds_held_by_runs_in_flight():
    assert (
        quota(compute_seconds_used=1_000, compute_seconds_reserved=200).compute_seconds_left()
        == 6_000
    )


def test_an_ended_period_counts_as_reset_when_asked_as_of_now():
    used_up = quota(runs_used=50, compute_seconds_used=7_200)
    later = START + timedelta(days=31)

    assert (used_up.runs_left(), used_up.compute_seconds_left()) == (0, 0)
    assert (used_up.runs_left(later), used_up.compute_seconds_left(later)) == (50, 7_200)


def test_unlimited_limits_have_nothing_left_to_count():
    unlimited = Quota(tier=TierFactory.build(monthly_executions=None, compute_seconds=None))

    assert unlimited.runs_left() is None
    assert unlimited.compute_seconds_left() is None
    assert unlimited.runs_used_percent() is None
    assert unlimited.compute_used_percent() is None


def test_percentages_round_and_stop_at_100():
    assert quota(runs_used=1).runs_used_percent() == 2
    assert quota(compute_seconds_used=3_600).compute_used_percent() == 50
    assert quota(runs_used=80).runs_used_percent() == 100


def test_a_zero_limit_reads_as_fully_used():
    zero = Quota(tier=TierFactory.build(monthly_executions=0), runs_used=0)

    assert zero.runs_used_percent() == 100


def test_used_up_says_why_no_run_may_start():
    during = START + timedelta(days=1)

    assert quota(runs_used=49).used_up(during) == ""
    assert quota(runs_used=50).used_up(during) == "You have no runs left this period."
    assert quota(compute_seconds_used=7_200).used_up(during) == (
        "You have no compute time left this period."
    )


def test_a_period_that_is_over_is_not_used_up():
    assert quota(runs_used=50).used_up(START + timedelta(days=31)) == ""
