"""The embedded default, "inline": executions run as asyncio tasks in the server's own
event loop, a bounded number at once."""

from __future__ import annotations

import asyncio
import threading
from contextvars import Context

from django.conf import settings
from django.db import transaction

from sandboxes.engine import CancelToken
from sandboxes.engine_config import get_engine
from sandboxes.ids import ExecutionId
from sandboxes.runs.database import on_run_threads
from sandboxes.runs.pipeline import Queued, execution_run
from sandboxes.runs.processes import process_name, runs_abandoned_end


class InlineDispatcher:
    def __init__(self, max_concurrent: int | None = None) -> None:
        self.max_concurrent = max_concurrent or settings.SANDBOX_INLINE_CONCURRENCY
        get_engine().keep_ready(self.max_concurrent)
        self.name = process_name()
        self.holder = self.name  # runs are this process's from the moment they are queued
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        self._tokens: dict[str, CancelToken] = {}
        self._waiting: set[str] = set()  # runs queued for a slot: nothing holds them yet
        self._tasks: set[asyncio.Task] = set()
        self._lock = threading.Lock()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Run executions on `loop` (the server's); the first call also ends abandoned runs."""
        with self._lock:
            if self._loop is not None:
                return
            self._loop = loop
        loop.call_soon_threadsafe(self._start)

    def _start(self) -> None:
        self._slots = asyncio.Semaphore(self.max_concurrent)
        self._spawn(self._mark_abandoned_lost())

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        """Outside a server (a shell, a command), run executions on a private loop thread."""
        if self._loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="executions", daemon=True).start()
            self.bind(loop)
        assert self._loop is not None
        return self._loop

    def submit(self, queued: Queued, *, env: dict[str, str]) -> None:
        """Called inside the transaction that records the run: it starts once committed
        (before that, the run's own database writes would not find it). It is handed over
        as recorded, in memory: the run reads nothing back."""
        transaction.on_commit(lambda: self._submit(queued, env))

    def _submit(self, queued: Queued, env: dict[str, str]) -> None:
        key = str(queued.execution.pk)
        token = CancelToken()
        self._tokens[key] = token
        loop = self._ensure_loop()
        # A fresh context: the run is detached from the request that started it (and from
        # asgiref's per-request thread bookkeeping).
        loop.call_soon_threadsafe(self._spawn, self._run(queued, env, token), context=Context())

    def cancel(self, execution_id: ExecutionId) -> bool:
        key = str(execution_id)
        token = self._tokens.get(key)
        if token is None:
            return False
        token.cancel()
        # Still waiting for a slot: nothing holds it, so the caller ends it now (and frees
        # its quota) instead of when a slot frees; given one, it sees the token and stops.
        return key not in self._waiting

    def _spawn(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine, context=Context())
        self._tasks.add(task)  # a strong reference until it ends
        task.add_done_callback(self._tasks.discard)

    async def _run(self, queued: Queued, env: dict[str, str], token: CancelToken) -> None:
        assert self._slots is not None
        execution_id = queued.execution.pk
        key = str(execution_id)
        self._waiting.add(key)
        try:
            async with self._slots:
                self._waiting.discard(key)
                await execution_run(
                    execution_id, env=env, cancel=token, worker=self.name, queued=queued
                )
        finally:
            self._waiting.discard(key)
            self._tokens.pop(key, None)

    async def _mark_abandoned_lost(self) -> None:
        """Runs this host's dead processes held end as lost (a restarted server)."""
        await on_run_threads(runs_abandoned_end)(alive=self.name)

    async def aclose(self) -> None:
        """Cancel every run it holds and wait until each has ended (recorded as cancelled):
        for a server shutting down, or a test whose event loop is about to close."""
        for token in list(self._tokens.values()):
            token.cancel()
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await asyncio.sleep(0)  # their done callbacks take them off the set
