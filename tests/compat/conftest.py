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
from tests.browser.server import AppServer

_TOKEN = """
from accounts.models import User
from api.services.tokens import api_token_create
print(api_token_create(user=User.objects.get(username={username!r}), name="client").secret)
"""
_USE_UP_RUNS = """
from quotas.models import Quota
Quota.objects.filter(user__username={username!r}).update(runs_used=10**6)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> AppServer:
    """The app served by Daphne, for the published clients (their own HTTP, unchanged)."""
    app = AppServer(tmp_path_factory.mktemp("served"))
    app.prepare()
    try:
        app.start()
        yield app
    finally:
        app.stop()


def served_token(server: AppServer, username: str, tier: str = "enterprise") -> str:
    """A new user of `tier` on the served app, and an API token of theirs."""
    server.create_user(username, "client-password-123", tier=tier)
    output = server.manage("shell", "-c", _TOKEN.format(username=username))
    return output.strip().splitlines()[-1]  # after the shell's own notice


def served_runs_used_up(server: AppServer, username: str) -> None:
    server.manage("shell", "-c", _USE_UP_RUNS.format(username=username))


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
