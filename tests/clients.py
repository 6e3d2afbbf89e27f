"""Clients of the app's HTTP APIs in tests: tokens, the header that carries them, JSON
posts, and an async client that behaves as Daphne serves requests."""

from __future__ import annotations

import json

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.db import close_old_connections
from django.test import AsyncClient

from api.services.tokens import api_token_create


def token_for(user, name: str = "tests") -> str:
    return api_token_create(user=user, name=name).secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


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


def run_body(code: str = "print('hello')", **fields) -> dict:
    """The body of a run request to /api/sandbox."""
    return {"code": code, **fields}


def post_json(client, path: str, data, **kwargs):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(path, body, content_type="application/json", **kwargs)
