"""The pipeline's database threads keep their SQLite connections between calls (opening one
costs more than most of their queries); on PostgreSQL they go back to the pool."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from sandboxes.runs.database import on_run_threads as _db
from tests.waiting import await_for

pytestmark = pytest.mark.django_db(transaction=True)


def _which() -> tuple[int, int | None]:
    connection.ensure_connection()
    return threading.get_ident(), id(connection.connection)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps; PostgreSQL pools")
async def test_each_pipeline_thread_reuses_its_sqlite_connection():
    seen: dict[int, set[int]] = {}
    for _ in range(40):
        thread, raw = await _db(_which)()
        seen.setdefault(thread, set()).add(raw)

    assert all(len(raws) == 1 for raws in seen.values()), seen


def _checked_out() -> int:
    stats = connection.pool.get_stats()
    return stats["pool_size"] - stats["pool_available"]


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite keeps; PostgreSQL pools")
async def test_a_postgresql_connection_goes_back_to_the_pool_after_each_call():
    before = _checked_out()  # the test's own, wherever the test framework holds it
    for _ in range(8):
        await _db(_which)()

    # None held by the pipeline's threads (the pool takes one back in its own time).
    await await_for(lambda: _checked_out() == before, "the pool to have every connection back")
