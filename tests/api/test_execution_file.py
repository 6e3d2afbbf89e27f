"""GET /api/executions/<id>/files/<path>: a file the run produced, as bytes."""

from __future__ import annotations

from tests.factories import ExecutionFactory

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def test_the_owner_downloads_a_produced_file(api, owner):
    run = ExecutionFactory(owner=owner, files={"charts/plot.png": PNG})

    response = api.get(f"/api/executions/{run.pk}/files/charts/plot.png")

    assert response.status_code == 200
    assert response.getvalue() == PNG
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="plot.png"'
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_file_the_run_did_not_produce_is_a_404(api, owner):
    run = ExecutionFactory(owner=owner, files={"a.txt": b"a"})
    for path in ("b.txt", "main.py", "../a.txt", "A.TXT"):
        response = api.get(f"/api/executions/{run.pk}/files/{path}")
        assert response.status_code == 404, path
        assert response.json()["error"]


def test_another_users_file_is_a_404(other_api, staff_api, owner):
    run = ExecutionFactory(owner=owner, files={"secret.txt": b"s3cret"})
    for client in (other_api, staff_api):
        response = client.get(f"/api/executions/{run.pk}/files/secret.txt")
        assert response.status_code == 404
        assert b"s3cret" not in response.content


def test_a_file_named_with_a_line_break_is_listed_and_downloads(api, owner):
    # A program may name a file anything Linux allows; the run's result must still load.
    name = "report\r\nSet-Cookie: x=1.txt"
    run = ExecutionFactory(owner=owner, files={name: b"data"})

    detail = api.get(f"/api/executions/{run.pk}")
    assert detail.status_code == 200
    (listed,) = detail.json()["files"]
    assert listed["path"] == name

    response = api.get(listed["url"])
    assert response.status_code == 200
    assert response.getvalue() == b"data"
    assert "Set-Cookie" not in response.headers
