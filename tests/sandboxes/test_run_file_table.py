"""A CSV file a run wrote, as a read-only table: on the run's own pages, and through its
share link. (The table's rules and errors: test_file_table.py.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandboxes.csv_table import MAX_BYTES
from sandboxes.models import ExecutionShare
from sandboxes.services.stored_files import execution_files_add
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def run(sandbox):
    return ExecutionFactory(sandbox=sandbox, files={"out/sales.csv": b"month,units\njan,7\n"})


def table(client, run, path: str):
    return client.get(reverse("run_file_table", args=[run.pk]), {"path": path}, **HTMX)


def test_a_produced_csv_file_is_a_table(signed_in, run):
    response = table(signed_in, run, "out/sales.csv")

    assert response.status_code == 200
    assert "<td>jan</td><td>7</td>" in response.content.decode()


def test_a_file_over_the_limit_is_not_read_and_the_answer_says_so(signed_in, run):
    big = b"n\n" + b"1\n" * (MAX_BYTES // 2)  # MAX_BYTES + 2 bytes
    execution_files_add(execution=run, files={"big.csv": big})

    response = table(signed_in, run, "big.csv")

    assert response.status_code == 422
    assert (
        "big.csv is 5.0\xa0MB; the table view reads files up to 5.0\xa0MB. Download it instead."
        in response.content.decode()
    )


def test_another_users_run_is_not_found(client, other_user, run):
    client.force_login(other_user)

    assert table(client, run, "out/sales.csv").status_code == 404


def test_a_shared_runs_csv_file_is_a_table_for_anyone_with_the_link(signed_in, client, run):
    signed_in.post(reverse("run_share", args=[run.pk]))
    token = ExecutionShare.objects.get(execution=run).token
    signed_in.logout()
    url = reverse("shared_file_table", args=[token])

    response = client.get(url, {"path": "out/sales.csv"}, **HTMX)

    assert response.status_code == 200
    assert "<td>jan</td><td>7</td>" in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex"
    page = client.get(url, {"path": "out/sales.csv"}).content.decode()
    download = reverse("shared_file", args=[token]) + "?path=out%2Fsales.csv"
    assert f'href="{download}"' in page
    unknown = reverse("shared_file_table", args=["x" * 32])
    assert client.get(unknown, {"path": "out/sales.csv"}).status_code == 404
