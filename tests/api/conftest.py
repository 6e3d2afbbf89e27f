"""Fixtures for the HTTP API: the owner's token, and clients that send it (or another
user's)."""

from __future__ import annotations

import pytest
from django.test import AsyncClient, Client

from tests.clients import async_client_for, bearer, token_for


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


@pytest.fixture
def async_api(owner_token) -> AsyncClient:
    return async_client_for(owner_token)
