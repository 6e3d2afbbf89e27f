"""A cancel signal that any thread or task can raise, and a run can await."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable


class CancelToken:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._callbacks: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        with self._lock:
            if self._cancelled:
                return
            self._cancelled = True
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback()

    def event(self) -> asyncio.Event:
        """An event of the running loop, set (thread-safely) when the token is cancelled."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()

        def wake() -> None:
            loop.call_soon_threadsafe(event.set)

        with self._lock:
            if self._cancelled:
                event.set()
            else:
                self._callbacks.append(wake)
        return event
