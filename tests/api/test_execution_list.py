"""GET /api/executions: the caller's own runs, newest first, paginated, filtered."""

from __future__ import annotations

import pytest

from sandboxes.models import Execution
from tests.factories import ExecutionFactory

URL = "/api/executions"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [run["executionId"] for run in response.json()["executions"]]


def test_it_lists_only_the_callers_runs_newest_first(api, owner, other_user):
    older, newer = ExecutionFactory(owner=owner), ExecutionFactory(owner=owner)
    ExecutionFactory(owner=other_user)

    assert ids(api.get(URL)) == [str(newer.pk), str(older.pk)]


def test_a_run_in_the_list_says_how_it_went(api, owner):
    run = ExecutionFactory(owner=owner, status=Execution.Status.FAILED, exit_code=2, wall_ms=42)

    (listed,) = api.get(URL).json()["executions"]

    assert listed["status"] == "failed"
    assert listed["exitCode"] == 2
    assert listed["duration"] == 42
    assert listed["url"] == f"/api/executions/{run.pk}"
    assert "stdout" not in listed  # the detail has the output


def test_pages_follow_on_without_gaps_or_repeats(api, owner):
    runs = [ExecutionFactory(owner=owner) for _ in range(5)]

    first = api.get(URL, {"limit": 2}).json()
    second = api.get(first["next"]).json()
    third = api.get(second["next"]).json()

    seen = [r["executionId"] for page in (first, second, third) for r in page["executions"]]
    assert seen == [str(run.pk) for run in reversed(runs)]
    assert third["next"] is None


def test_a_run_started_meanwhile_does_not_shift_the_next_page(api, owner):
    runs = [ExecutionFactory(owner=owner) for _ in range(3)]
    first = api.get(URL, {"limit": 2}).json()
    ExecutionFactory(owner=owner)

    assert ids(api.get(first["next"])) == [str(runs[0].pk)]


def test_it_filters_by_status(api, owner):
    failed = ExecutionFactory(owner=owner, status=Execution.Status.FAILED, exit_code=1)
    timed_out = ExecutionFactory(owner=owner, status=Execution.Status.TIMED_OUT)
    ExecutionFactory(owner=owner)

    assert ids(api.get(URL, {"status": "failed"})) == [str(failed.pk)]
    assert ids(api.get(URL, {"status": "failed,timed_out"})) == [str(timed_out.pk), str(failed.pk)]
    page = api.get(URL, {"status": "failed,timed_out", "limit": 1}).json()
    assert "status=failed%2Ctimed_out" in page["next"]
    assert ids(api.get(page["next"])) == [str(failed.pk)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "exploded"}, "status"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "²"}, "limit"),
        ({"limit": "١٠"}, "limit"),
        ({"limit": " 5"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "00000000-0000-0000-0000-000000000000"}, "cursor"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(api, owner, query, field):
    response = api.get(URL, query)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_another_users_run_is_no_cursor(api, other_user):
    theirs = ExecutionFactory(owner=other_user)
    assert api.get(URL, {"cursor": str(theirs.pk)}).status_code == 400
