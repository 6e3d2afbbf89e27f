"""Fixtures for the compatible APIs: the app served for their published clients, the
owner's API token, and clients that send it in each API's own header."""

from __future__ import annotations

import pytest
from django.test import AsyncClient, Client

from harness.appserver import AppServer
from tests.clients import ServerAsyncClient, token_for


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


@pytest.fixture
def owner_token(owner) -> str:
    return token_for(owner, name="compat")


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
