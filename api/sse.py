"""Server-Sent Events framing (text/event-stream)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import aclosing

from django.http import StreamingHttpResponse

from api.feed import Event, ExecutionFeed


def sse_frame(event: Event) -> bytes:
    if event.data is None:
        return b": keep-alive\n\n"
    # json.dumps escapes newlines inside strings: the data is always one line.
    return f"id: {event.id}\ndata: {json.dumps(event.data)}\n\n".encode()


async def _frames(feed: ExecutionFeed) -> AsyncIterator[bytes]:
    async with aclosing(feed.events()) as events:  # leaves the run's group when closed
        async for event in events:
            yield sse_frame(event)


def sse_response(feed: ExecutionFeed, **headers: str) -> StreamingHttpResponse:
    """Stream the feed's events. The stream ends after the final event, or when the client
    goes away (Django then cancels the generator, which leaves the group)."""
    response = StreamingHttpResponse(_frames(feed), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    for name, value in headers.items():
        response[name] = value
    return response
