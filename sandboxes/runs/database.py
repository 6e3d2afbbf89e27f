"""The run path's own database threads.

A run costs few round trips to the database, and they run on a few threads of their own,
so runs do not queue behind one another (or behind asgiref's single thread for sync
code), and do not open a connection per call: on SQLite each thread keeps its own (one
that went bad is replaced), on PostgreSQL they come from the pool.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import SyncToAsync
from django.db import close_old_connections, connections

DATABASE_THREADS = 4

_threads = ThreadPoolExecutor(DATABASE_THREADS, thread_name_prefix="run-db")


@functools.cache  # a module's function: made once, not on every call of a run
def on_run_threads(function):
    """`function` (sync, using the database) as a coroutine run on the run path's threads."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        close_old_connections()
        try:
            return function(*args, **kwargs)
        finally:
            # SQLite: kept for this thread's next call unless it went bad (a request's
            # thread ends with it, so requests must not keep theirs). PostgreSQL: back to
            # the pool, as for requests.
            for connection in connections.all(initialized_only=True):
                if connection.vendor == "sqlite":
                    connection.close_at = None
            close_old_connections()

    return SyncToAsync(call, thread_sensitive=False, executor=_threads)
