"""Where executions run, chosen by the SANDBOX_DISPATCHER setting:

- "inline" (the embedded default): asyncio tasks in the web server's own event loop
  (inline.py);
- "distributed": jobs in PostgreSQL (jobs.py), taken by `manage.py sandbox_worker`
  processes on any number of hosts (distributed.py, worker.py); runs of dead workers are
  found by stalls.py.

Both answer the same calls: submit (inside the transaction that records the run), cancel,
and bind (the web server's loop, for what the dispatcher does in the background there).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Protocol

from django.conf import settings

from sandboxes.ids import ExecutionId
from sandboxes.runs.dispatch.distributed import DistributedDispatcher
from sandboxes.runs.dispatch.inline import InlineDispatcher
from sandboxes.runs.pipeline import Queued

# SANDBOX_DISPATCHER's values.
DISPATCHERS = {"inline": InlineDispatcher, "distributed": DistributedDispatcher}


class Dispatcher(Protocol):
    # Recorded on a run when it is queued (Execution.worker): the process that holds it
    # from then on, or "" when a worker will take it later.
    holder: str

    def submit(self, queued: Queued, *, env: dict[str, str]) -> None: ...

    def cancel(self, execution_id: ExecutionId) -> bool:
        """True when whoever holds the run will end it; False when nobody does."""
        ...

    def bind(self, loop: asyncio.AbstractEventLoop) -> None: ...


@functools.cache
def get_dispatcher() -> Dispatcher:
    return DISPATCHERS[settings.SANDBOX_DISPATCHER]()


def bind_dispatcher_to_server_loop(application):
    """ASGI middleware: the first request tells the dispatcher which loop is the server's."""

    async def app(scope, receive, send):
        get_dispatcher().bind(asyncio.get_running_loop())
        return await application(scope, receive, send)

    return app
