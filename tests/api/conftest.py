"""Fixtures for the HTTP API: tokens, clients that send them, SSE parsing."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import pytest
from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.db import close_old_connections
from django.test import AsyncClient, Client

from api.services.tokens import api_token_create

# The dispatcher bound to the test's own loop, as in the sandboxes tests.


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Rate-limit counters of one test never reach another (nor a server sharing Redis)."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


def token_for(user, name: str = "tests") -> str:
    return api_token_create(user=user, name=name).secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def owner_token(owner) -> str:
    return token_for(owner)


@pytest.fixture
def api(owner_token) -> Client:
    """A client calling the API as the owner, with a token."""
    return Client(headers=bearer(owner_token))


@pytest.fixture
def other_api(other_user) -> Client:
    return Client(headers=bearer(token_for(other_user)))


@pytest.fixture
def staff_api(staff_user) -> Client:
    return Client(headers=bearer(token_for(staff_user)))


class ServerAsyncClient(AsyncClient):
    """An AsyncClient whose requests each get their own sync thread, as under Daphne
    (Django's ASGI handler opens a ThreadSensitiveContext per request). Without it, a
    request waiting for a run would hold the one thread the run's database calls need."""

    async def request(self, **request):
        async with ThreadSensitiveContext():
            try:
                return await super().request(**request)
            finally:
                # As request_finished does: the request's thread lets go of its connection.
                await sync_to_async(close_old_connections)()


def async_client_for(secret: str) -> AsyncClient:
    # AsyncClient(headers=...) sends "http-authorization"; defaults are ASGI header names.
    return ServerAsyncClient(authorization=f"Bearer {secret}")


@pytest.fixture
def async_api(owner_token) -> AsyncClient:
    return async_client_for(owner_token)


def run_body(code: str = "print('hello')", **fields) -> dict:
    return {"code": code, **fields}


def post_json(client, path: str, data, **kwargs):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(path, body, content_type="application/json", **kwargs)


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
