"""GET /api/executions/<id>: one of the caller's runs, with its output and files."""

from __future__ import annotations

from sandboxes.models import Execution
from tests.factories import ExecutionFactory


def test_the_owner_gets_the_status_output_and_files(api, owner):
    run = ExecutionFactory(
        owner=owner,
        output=[("stdout", "a"), ("stderr", "b"), ("stdout", "c")],
        files={"out/report.txt": b"ok"},
    )

    response = api.get(f"/api/executions/{run.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["executionId"] == str(run.pk)
    assert (body["status"], body["exitCode"]) == ("succeeded", 0)
    assert (body["stdout"], body["stderr"]) == ("ac", "b")
    assert [entry["status"] for entry in body["timeline"]] == [
        "queued",
        "preparing",
        "running",
        "succeeded",
    ]
    assert body["files"] == [
        {
            "path": "out/report.txt",
            "size": 2,
            "url": f"/api/executions/{run.pk}/files/out/report.txt",
        }
    ]


def test_a_run_in_progress_has_no_result_yet(api, owner):
    run = ExecutionFactory(
        owner=owner, status=Execution.Status.RUNNING, output=[("stdout", "so far")]
    )

    body = api.get(f"/api/executions/{run.pk}").json()

    assert body["status"] == "running"
    assert body["exitCode"] is None
    assert body["finishedAt"] is None
    assert body["stdout"] == "so far"


def test_another_users_run_is_a_404_not_a_403(other_api, staff_api, owner):
    run = ExecutionFactory(owner=owner)
    for client in (other_api, staff_api):
        response = client.get(f"/api/executions/{run.pk}")
        assert response.status_code == 404
        assert response.json() == {"error": "No such run."}


def test_an_unknown_or_malformed_id_is_a_json_404(api):
    for path in ("/api/executions/00000000-0000-0000-0000-000000000000", "/api/executions/42"):
        response = api.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_it_needs_authentication(client, owner):
    assert client.get(f"/api/executions/{ExecutionFactory(owner=owner).pk}").status_code == 401
