"""The staff dashboard: aggregates over a known set of runs, and who may see it."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from operations.dashboard import format_tick
from operations.models import RateAlert
from operations.selectors import (
    LATENCY_BOUNDS_MS,
    DateRange,
    active_now,
    daily_stats,
    estimate_quantile,
    top_users_by_compute,
)
from tests.factories import ExecutionFactory, UserFactory

pytestmark = pytest.mark.django_db

MON, TUE, WED = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)
MIB = 2**20


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def fixture_runs():
    """Monday: 3 Python runs (one error) and 1 Node timeout; Tuesday: nothing; Wednesday:
    2 Python runs and a rejected Node run. Ada uses the most compute."""
    ada, bob = UserFactory(username="ada"), UserFactory(username="bob")
    run = ExecutionFactory
    run(owner=ada, created_at=at(MON), wall_ms=100, compute_seconds_charged=1)
    run(owner=ada, created_at=at(MON, 13), wall_ms=300, compute_seconds_charged=1)
    run(owner=bob, created_at=at(MON, 14), status="error", wall_ms=None, compute_seconds_charged=0)
    run(owner=ada, created_at=at(MON, 23), runtime="node22", status="timed_out",
        wall_ms=60_000, compute_seconds_charged=60, peak_memory_bytes=512 * MIB)  # fmt: skip
    run(owner=bob, created_at=at(WED), wall_ms=2_000, compute_seconds_charged=2)
    run(owner=ada, created_at=at(WED, 1), wall_ms=1_000, compute_seconds_charged=1)
    run(owner=bob, created_at=at(WED, 2), runtime="node22", status="rejected",
        wall_ms=None, compute_seconds_charged=None, peak_memory_bytes=None)  # fmt: skip
    run(owner=bob, created_at=at(WED + timedelta(days=1)))  # outside the range
    return ada, bob


def test_runs_per_day_split_by_runtime(fixture_runs):
    monday, tuesday, wednesday = daily_stats(DateRange(MON, WED))

    assert [monday.day, tuesday.day, wednesday.day] == [MON, TUE, WED]
    assert monday.runs == {"python": 3, "node": 1}
    assert tuesday.runs == {"python": 0, "node": 0}
    assert wednesday.runs == {"python": 2, "node": 1}
    assert wednesday.rejected == 1


def test_error_and_timeout_rates_count_runs_that_ended(fixture_runs):
    monday, tuesday, wednesday = daily_stats(DateRange(MON, WED))

    assert (monday.ended, monday.errors, monday.timeouts) == (4, 1, 1)
    assert (monday.error_rate, monday.timeout_rate) == (25, 25)
    assert tuesday.error_rate is None  # nothing ran: no rate, not 0 %
    assert (wednesday.ended, wednesday.error_rate) == (2, 0)  # the rejected run never ran


def test_compute_and_memory_are_summed_per_day(fixture_runs):
    monday = daily_stats(DateRange(MON, MON))[0]

    assert monday.usage.runs == 4
    assert monday.usage.compute_seconds == 62
    # 64 MiB for 0.1 s and 0.3 s, 512 MiB for 60 s (the errored run has no wall time).
    assert monday.usage.memory_byte_seconds == pytest.approx(64 * MIB * 0.4 + 512 * MIB * 60)


def test_latency_percentiles_come_from_the_days_runs(fixture_runs):
    monday = daily_stats(DateRange(MON, MON))[0]

    # Three timed runs: 0.1 s, 0.3 s and 60 s; the median lies in the 0.2-0.3 s bucket.
    assert 0.2 <= monday.latency[0.5] <= 0.3
    assert 30 <= monday.latency[0.99] <= 60


def test_a_quantile_interpolates_inside_its_bucket():
    # 10 runs: none within 10 ms, 4 within 25 ms, all 10 within 50 ms (cumulative counts).
    assert LATENCY_BOUNDS_MS[:3] == (10, 25, 50)
    cumulative = [0, 4] + [10] * (len(LATENCY_BOUNDS_MS) - 2) + [10]

    # The 5th of 10 is the 1st of the 6 runs between 25 and 50 ms.
    assert estimate_quantile(0.5, cumulative) == pytest.approx(0.025 + 0.025 * (1 / 6))
    assert estimate_quantile(0.5, [0] * (len(LATENCY_BOUNDS_MS) + 1)) is None


def test_top_users_are_ranked_by_compute(fixture_runs):
    ada, bob = fixture_runs

    ranked = top_users_by_compute(DateRange(MON, WED))

    assert [(u.username, u.usage.runs, u.usage.compute_seconds) for u in ranked] == [
        ("ada", 4, 63),
        ("bob", 2, 2),  # his rejected run is not counted
    ]


def test_active_now_counts_runs_in_flight_by_status_and_language():
    user = UserFactory()
    for status, runtime in [("queued", "python3.13"), ("running", "python3.13"),
                            ("running", "node22"), ("succeeded", "node22")]:  # fmt: skip
        ExecutionFactory(owner=user, status=status, runtime=runtime)

    now = active_now()

    assert now.by_status == {"queued": 1, "preparing": 0, "running": 2}
    assert now.by_language == {"python": 2, "node": 1}
    assert now.total == 3


def test_the_page_shows_totals_and_charts_for_the_range(fixture_runs, staff_client):
    response = staff_client.get(reverse("operations_dashboard"), {"start": MON, "end": WED})

    assert response.status_code == 200
    context = response.context
    assert context["totals"].runs == 7
    assert (context["totals"].usage.runs, context["totals"].usage.compute_seconds) == (6, 65)
    assert context["error_rate"] == "16.7%"  # 1 of the 6 that ended
    # Five timed runs over the range: 0.1, 0.3, 1, 2 and 60 s. The median, the 1 s run, is
    # estimated halfway into its bucket (750 ms to 1 s): the range's, not a day's.
    assert context["totals"].latency[0.5] == pytest.approx(0.875)
    assert context["latency"]["p50"] == "875 ms"
    page = response.content.decode()
    assert page.count('<svg class="chart"') == 6  # runs, latency, rates, cost, compute, network
    assert "ada" in page and "Runs per day" in page
    # Compute is charged in vCPU-seconds (wall time times vCPUs), and shown as such.
    assert "Compute (vCPU-hours)" in page and "vCPU-hours charged to quotas" in page


def test_the_compute_axis_labels_differ_when_a_day_charges_little(fixture_runs, staff_client):
    # 62 s on Monday: a 0.02 h axis. Two decimals would label its ticks 0.00, 0.01, 0.01...
    response = staff_client.get(reverse("operations_dashboard"), {"start": MON, "end": WED})

    labels = [tick.text for tick in response.context["compute_chart"].y_ticks]
    assert labels == ["0 h", "0.005 h", "0.01 h", "0.015 h", "0.02 h"]


@pytest.mark.parametrize(
    ("tick", "text"),
    [(0, "0"), (0.0025, "0.0025"), (0.5, "0.5"), (2500, "2,500"), (1e6, "1,000,000")],
)
def test_an_axis_tick_shows_its_digits_without_an_exponent(tick, text):
    assert format_tick(tick) == text


def test_the_cost_uses_the_operators_prices(fixture_runs, staff_client, operator_settings):
    operator_settings.price_per_compute_hour = Decimal("3.60")  # a cent per 10 s
    operator_settings.price_per_gb_hour = Decimal("0")
    operator_settings.price_per_run = Decimal("0.01")
    operator_settings.save()

    response = staff_client.get(reverse("operations_dashboard"), {"start": MON, "end": WED})

    # 65 compute seconds = $0.065, plus 6 runs at a cent.
    assert response.context["cost"].total == Decimal("0.125")
    assert response.context["cost_text"] == "$0.13"
    assert response.context["cost_per_run"] == "$0.02"


def test_the_default_range_is_the_last_14_days(staff_client):
    response = staff_client.get(reverse("operations_dashboard"))

    period = response.context["period"]
    assert len(period.days) == 14


def test_a_number_of_days_up_to_an_end_date(staff_client):
    response = staff_client.get(reverse("operations_dashboard"), {"days": 7, "end": WED})

    assert response.context["period"] == DateRange(WED - timedelta(days=6), WED)


def test_the_page_costs_the_same_queries_for_many_runs_as_for_few(
    fixture_runs, staff_client, django_assert_max_num_queries
):
    few = _queries(staff_client)
    for _ in range(40):
        ExecutionFactory(owner=fixture_runs[0], created_at=at(TUE))

    with django_assert_max_num_queries(few):
        staff_client.get(reverse("operations_dashboard"), {"start": MON, "end": WED})


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("operations_dashboard"), {"start": MON, "end": WED})
    return len(queries)


def test_a_backwards_range_is_refused_and_the_default_shown(staff_client):
    response = staff_client.get(reverse("operations_dashboard"), {"start": WED, "end": MON})

    assert "The range starts after it ends." in response.content.decode()
    assert len(response.context["period"].days) == 14


def test_a_start_without_an_end_is_held_to_a_year_too(staff_client):
    # From 1970 to today would chart 20,000 days (from year 1, 740,000: 18 s of a web
    # process per request).
    response = staff_client.get(reverse("operations_dashboard"), {"start": "1970-01-01"})

    assert "Show at most a year at once." in response.content.decode()
    assert len(response.context["period"].days) == 14


@pytest.mark.parametrize(
    "query",
    [
        {"start": "9999-12-01", "end": "9999-12-31"},
        {"end": "9999-12-31"},
        {"end": "0001-01-01", "days": 5},
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_refused_not_a_server_error(staff_client, query):
    response = staff_client.get(reverse("operations_dashboard"), query)

    assert response.status_code == 200
    assert "Choose dates from 1970 to a year from now." in response.content.decode()


def test_the_alerts_panel_says_when_check_alerts_last_ran(staff_client):
    RateAlert.objects.create(kind="error_rate", checked_at=timezone.now() - timedelta(hours=2))

    page = staff_client.get(reverse("operations_dashboard")).content.decode()

    assert "No check since 2\xa0hours ago" in page


def test_the_admin_index_links_to_it(staff_client):
    response = staff_client.get(reverse("admin:index"))

    assert reverse("operations_dashboard") in response.content.decode()


def test_a_top_user_links_to_their_runs_in_the_admin(fixture_runs, staff_client):
    ada, _bob = fixture_runs
    page = staff_client.get(reverse("operations_dashboard"), {"start": MON, "end": WED})
    link = re.search(r'href="([^"]+)">ada</a>', page.content.decode())[1]

    runs = staff_client.get(html.unescape(link))

    assert runs.status_code == 200
    changelist = runs.context["cl"]
    assert {execution.owner_id for execution in changelist.result_list} == {ada.pk}
    assert len(changelist.result_list) == 4
    # Through the admin's user filter, which names her in the sidebar.
    (owner_filter,) = [f for f in changelist.filter_specs if f.title == "user"]
    assert owner_filter.value() == str(ada.pk)
