"""A hello world through the API costs few SQL statements, wherever they are sent from (the
request, the run's own database threads).

It was 46 (savepoints of nested services, axes reading failures twice, the tier read three
times, the run reading back what its start had just written). Issue 13's goal is 12; what
is left: the kill switch's row, the reservation as a row of its own (insert, then settle),
the inputs' blob lookup, the API's wait reading the run's state before it listens, and the
answer reading the run, its output, its files and the quota again."""

from __future__ import annotations

import json
import threading

import pytest
from django.db.backends import utils

URL = "/api/sandbox"
MOST_STATEMENTS = 20  # one output chunk or two, as the pipe delivers "hello\n"

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(60),
]


class Statements:
    """Every statement any thread sends, through Django's cursor wrapper."""

    def __init__(self) -> None:
        self.sql: list[str] = []
        self.threads: set[int] = set()
        self.lock = threading.Lock()

    def record(self, sql: str) -> None:
        if sql.startswith("BEGIN"):
            return  # SQLite's is sent, PostgreSQL's implicit: counted on neither
        with self.lock:
            self.sql.append(sql)
            self.threads.add(threading.get_ident())


@pytest.fixture
def statements(monkeypatch) -> Statements:
    seen = Statements()
    execute, executemany = utils.CursorWrapper._execute, utils.CursorWrapper._executemany

    def counted(self, sql, *args, **kwargs):
        seen.record(sql)
        return execute(self, sql, *args, **kwargs)

    def counted_many(self, sql, *args, **kwargs):
        seen.record(sql)
        return executemany(self, sql, *args, **kwargs)

    monkeypatch.setattr(utils.CursorWrapper, "_execute", counted)
    monkeypatch.setattr(utils.CursorWrapper, "_executemany", counted_many)
    return seen


async def post_run(client):
    body = json.dumps({"runtime": "python", "code": "print('hello')"})
    return await client.post(URL, body, content_type="application/json")


async def test_a_hello_world_through_the_api_sends_at_most_20_statements(
    live_dispatcher, async_api, statements
):
    await post_run(async_api)  # the first run of a user creates its quota row: not counted
    statements.sql.clear()

    response = await post_run(async_api)

    assert response.status_code == 200
    assert response.json()["stdout"] == "hello\n"
    listing = "\n".join(sql[:150] for sql in statements.sql)
    assert len(statements.sql) <= MOST_STATEMENTS, listing


async def test_the_count_sees_the_runs_own_threads_too(live_dispatcher, async_api, statements):
    await post_run(async_api)

    settled = [sql for sql in statements.sql if sql.startswith('UPDATE "quotas_reservation"')]
    assert settled, "the run's end (its quota settled on the run's own thread) was not counted"
    assert len(statements.threads) > 1
