"""Waiting for a state, never for a length of time.

Each helper checks again and again until what it waits for holds. Its deadline only turns
a hang into a failure that says what never came; it is long (PATIENCE) because a loaded
machine is slow, not wrong, and nothing here asserts how long anything took.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

from channels.db import database_sync_to_async

from sandboxes.models import Execution

PATIENCE = 60.0  # seconds; pytest's own timeout (pyproject.toml) is 120
INTERVAL = 0.05


def wait_for[T](condition: Callable[[], T], what: str, *, timeout: float = PATIENCE) -> T:
    """condition()'s first true value; fails, naming `what`, if none comes in `timeout`."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {timeout:g} s waiting for {what}")
        time.sleep(INTERVAL)
    return value


async def await_for[T](
    condition: Callable[[], T | Awaitable[T]], what: str, *, timeout: float = PATIENCE
) -> T:
    """wait_for from a coroutine: the loop keeps running in between (condition may be a
    plain function or a coroutine function)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {timeout:g} s waiting for {what}")
        await asyncio.sleep(INTERVAL)


def _in(execution_id, statuses: tuple[str, ...]) -> Execution | None:
    execution = Execution.objects.get(pk=execution_id)
    ended = not statuses and not execution.is_active
    return execution if ended or execution.status in statuses else None


def wait_for_status(execution, *statuses: str, timeout: float = PATIENCE) -> Execution:
    """The run (an Execution or its id), read again, once its status is one of `statuses`;
    with none given, once it has ended."""
    execution_id = getattr(execution, "pk", execution)
    return wait_for(
        lambda: _in(execution_id, statuses),
        f"run {execution_id} to be {' or '.join(statuses) or 'over'}",
        timeout=timeout,
    )


async def await_status(execution, *statuses: str, timeout: float = PATIENCE) -> Execution:
    """wait_for_status from a coroutine (each read on the database thread, the loop free in
    between: the run's own database calls must get through)."""
    execution_id = getattr(execution, "pk", execution)
    return await await_for(
        database_sync_to_async(lambda: _in(execution_id, statuses)),
        f"run {execution_id} to be {' or '.join(statuses) or 'over'}",
        timeout=timeout,
    )


async def receive_until(
    communicator, done: Callable[[list[dict]], bool], *, timeout: float = PATIENCE
) -> list[dict]:
    """The JSON messages a websocket communicator receives, up to the one after which
    done(messages so far) holds."""
    messages: list[dict] = []
    async with asyncio.timeout(timeout):
        while not done(messages):
            messages.append(await communicator.receive_json_from(timeout=timeout))
    return messages


def wait_for_runs_to_end(timeout: float = PATIENCE) -> None:
    """Until no run is queued, preparing or running (runs outlive the request that started
    them: a test lets them end before its database goes)."""
    active = Execution.objects.filter(status__in=Execution.ACTIVE)
    wait_for(
        lambda: not active.exists(),
        "every run to end",
        timeout=timeout,
    )
