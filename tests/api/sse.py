"""A streaming answer's Server-Sent Events, parsed as a client reads them."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class SseEvent:
    id: str | None
    data: dict | None  # None: a comment (heartbeat)


def parse_sse(text: str) -> list[SseEvent]:
    events = []
    for frame in text.split("\n\n"):
        if not frame.strip():
            continue
        fields: dict[str, str] = {}
        comment = True
        for line in frame.split("\n"):
            if line.startswith(":"):
                continue
            comment = False
            name, _, value = line.partition(": ")
            fields[name] = value
        data = None if comment else json.loads(fields["data"])
        events.append(SseEvent(id=fields.get("id"), data=data))
    return events


async def read_sse(response, *, stop_after: int | None = None) -> list[SseEvent]:
    """The events of a streaming response, to its end or until `stop_after` of them have
    come (the connection is then dropped, as a client losing it would)."""
    buffer, events = "", []
    content = aiter(response.streaming_content)
    try:
        async for part in content:
            buffer += part.decode()
            *frames, buffer = buffer.split("\n\n")
            for frame in frames:
                events.extend(parse_sse(frame + "\n\n"))
                if stop_after is not None and len(events) >= stop_after:
                    return events
    finally:
        await content.aclose()
    return events
