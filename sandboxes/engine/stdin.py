"""Standard input that arrives while a run goes (typed in a console, posted to the API).

A run without one gets its spec's stdin and then end-of-file at once, as before: the
stream costs nothing unless a caller gives it. Write and close from the run's event loop.
"""

from __future__ import annotations

import asyncio


class InputStream:
    def __init__(self) -> None:
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.closed = False

    def write(self, data: bytes) -> None:
        """Queue `data` for the program; ignored once closed."""
        if data and not self.closed:
            self._queue.put_nowait(data)

    def close(self) -> None:
        """End-of-file after what was written."""
        if not self.closed:
            self.closed = True
            self._queue.put_nowait(None)

    async def read(self) -> bytes | None:
        """The next piece written, or None at end-of-file."""
        return await self._queue.get()
