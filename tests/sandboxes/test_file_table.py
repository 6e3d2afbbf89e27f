"""A sandbox's CSV file as a read-only table: parsed by the csv module, the first rows
only (said so), and a clear reason, in place of the table, for a file that is no CSV."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandboxes.csv_table import MAX_COLUMNS, MAX_ROWS
from sandboxes.services.workspaces import sandbox_file_save

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def table(client, sandbox, path: str, **headers):
    return client.get(reverse("file_table", args=[sandbox.pk]), {"path": path}, **headers)


def test_a_csv_file_is_a_table_with_its_header_and_rows(signed_in, sandbox):
    sandbox_file_save(
        sandbox=sandbox, path="data/scores.csv", content=b'name,score\nada,91\n"Hopper, G",88\n'
    )

    response = table(signed_in, sandbox, "data/scores.csv", **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="col">name</th><th scope="col">score</th>' in page
    assert "<td>Hopper, G</td><td>88</td>" in page  # a quoted comma stays in its cell
    assert "2 rows, 2 columns." in page
    assert "<html" not in page  # over HTMX the table alone, for the page's dialog
    assert response["Vary"] == "HX-Request, Cookie"


def test_without_htmx_the_table_is_a_page_that_links_the_download(signed_in, sandbox):
    sandbox_file_save(sandbox=sandbox, path="scores.csv", content=b"name,score\nada,91\n")

    page = table(signed_in, sandbox, "scores.csv").content.decode()

    assert "<html" in page and "<td>ada</td>" in page
    download = reverse("file_download", args=[sandbox.pk]) + "?path=scores.csv"
    assert f'href="{download}"' in page


def test_cells_are_text_never_markup(signed_in, sandbox):
    sandbox_file_save(sandbox=sandbox, path="x.csv", content=b"a\n<script>alert(1)</script>\n")

    page = table(signed_in, sandbox, "x.csv", **HTMX).content.decode()

    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in page
    assert "<script>" not in page


def test_semicolons_tabs_and_a_byte_order_mark_are_understood(signed_in, sandbox):
    sandbox_file_save(
        sandbox=sandbox, path="eu.csv", content="\ufeffmonth;amount\njan;1,5\nfeb;2,25\n".encode()
    )
    sandbox_file_save(sandbox=sandbox, path="tabs.csv", content=b"a\tb\n1\t2\n")

    europe = table(signed_in, sandbox, "eu.csv", **HTMX).content.decode()
    tabs = table(signed_in, sandbox, "tabs.csv", **HTMX).content.decode()

    assert '<th scope="col">month</th><th scope="col">amount</th>' in europe  # no BOM
    assert "<td>jan</td><td>1,5</td>" in europe
    assert "separated by semicolons" in europe
    assert "<td>1</td><td>2</td>" in tabs and "separated by tabs" in tabs


def test_only_the_first_rows_and_columns_are_shown_and_the_page_says_so(signed_in, sandbox):
    wide = ",".join(f"c{n}" for n in range(MAX_COLUMNS + 5))
    rows = "\n".join(",".join(str(row) for _ in range(MAX_COLUMNS + 5)) for row in range(1200))
    sandbox_file_save(sandbox=sandbox, path="big.csv", content=f"{wide}\n{rows}\n".encode())

    page = table(signed_in, sandbox, "big.csv", **HTMX).content.decode()

    assert "1,200 rows, 55 columns." in page
    assert f"Showing the first {MAX_ROWS} rows." in page
    assert f"Showing the first {MAX_COLUMNS} columns." in page
    assert page.count("<tr>") == MAX_ROWS + 1  # the header's row and MAX_ROWS more
    assert f"<td>{MAX_ROWS - 1}</td>" in page and f"<td>{MAX_ROWS}</td>" not in page
    assert f'<th scope="col">c{MAX_COLUMNS - 1}</th>' in page
    assert f'<th scope="col">c{MAX_COLUMNS}</th>' not in page


def test_ragged_rows_are_padded_to_the_widest(signed_in, sandbox):
    sandbox_file_save(sandbox=sandbox, path="ragged.csv", content=b"a,b\n1\n1,2,3\n")

    page = table(signed_in, sandbox, "ragged.csv", **HTMX).content.decode()

    assert "2 rows, 3 columns." in page
    assert "<td>1</td><td></td><td></td>" in page


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'name,note\nada,"never closed\n', "is not valid CSV: line 2: unexpected end of data"),
        (b'name,note\nada,"a"b\n', "is not valid CSV: line 2: &#x27;,&#x27; expected after"),
        (b"name,score\nad\xe9,91\n", "is not UTF-8 text (at byte 13): it cannot be read as CSV"),
        (b"\n \n", "is empty: there is no table to show"),
    ],
)
def test_a_file_that_is_no_csv_says_why(signed_in, sandbox, content, reason):
    sandbox_file_save(sandbox=sandbox, path="bad.csv", content=content)

    response = table(signed_in, sandbox, "bad.csv", **HTMX)

    assert response.status_code == 422
    assert f"bad.csv {reason}" in response.content.decode()
    assert "<table" not in response.content.decode()


def test_only_csv_files_open_as_a_table(signed_in, sandbox):
    response = table(signed_in, sandbox, "main.py", **HTMX)

    assert response.status_code == 422
    assert "main.py is not a .csv file: only CSV opens as a table." in response.content.decode()


def test_a_missing_file_is_not_found(signed_in, sandbox):
    assert table(signed_in, sandbox, "nope.csv").status_code == 404


def test_another_users_file_is_not_found(client, other_user, sandbox):
    sandbox_file_save(sandbox=sandbox, path="scores.csv", content=b"name\nada\n")
    client.force_login(other_user)

    assert table(client, sandbox, "scores.csv").status_code == 404


def test_it_needs_a_signed_in_user(client, sandbox):
    assert table(client, sandbox, "scores.csv").status_code == 302
