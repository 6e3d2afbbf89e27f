"""Fixtures for the compatible APIs: the owner's API token, clients that send it in each
API's own header, and JSON posts."""

from __future__ import annotations

import json
import uuid

import pytest
from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.db import close_old_connections
from django.test import AsyncClient, Client

from api.services.tokens import api_token_create


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Rate-limit counters of one test never reach another (nor a server sharing Redis)."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def owner_token(owner) -> str:
    return api_token_create(user=owner, name="compat").secret


class ServerAsyncClient(AsyncClient):
    """Each request in its own sync thread, as under Daphne: a request waiting for a run
    must not hold the one thread the run's database calls need."""

    async def request(self, **request):
        async with ThreadSensitiveContext():
            try:
                return await super().request(**request)
            finally:
                await sync_to_async(close_old_connections)()


@pytest.fixture
def piston(owner_token) -> Client:
    """Piston's clients send the key as the whole Authorization header."""
    return Client(headers={"Authorization": owner_token})


@pytest.fixture
def async_piston(owner_token) -> AsyncClient:
    return ServerAsyncClient(authorization=owner_token)


@pytest.fixture
def judge0(owner_token) -> Client:
    return Client(headers={"X-Auth-Token": owner_token})


@pytest.fixture
def async_judge0(owner_token) -> AsyncClient:
    # AsyncClient's defaults are ASGI header names.
    return ServerAsyncClient(x_auth_token=owner_token)


def post_json(client, path: str, data, **kwargs):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(path, body, content_type="application/json", **kwargs)
