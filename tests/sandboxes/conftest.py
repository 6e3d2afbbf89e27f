"""Fixtures for the Django side of sandboxes: a dispatcher bound to the test's event loop."""

from __future__ import annotations

import asyncio

import pytest
from channels.layers import channel_layers

from sandboxes import dispatch
from sandboxes.engine_config import get_engine
from sandboxes.services.workspaces import sandbox_create
from tests.factories import UserFactory


@pytest.fixture
def fresh_dispatcher():
    """A new dispatcher (and channel layer) per test: each test has its own event loop."""
    dispatch.get_dispatcher.cache_clear()
    channel_layers.backends.clear()
    yield dispatch.get_dispatcher()
    dispatch.get_dispatcher.cache_clear()
    channel_layers.backends.clear()


@pytest.fixture
async def live_dispatcher(fresh_dispatcher):
    """The dispatcher running executions on this test's loop, as the server's would."""
    fresh_dispatcher.bind(asyncio.get_running_loop())
    await asyncio.sleep(0)  # let it start (and sweep abandoned runs)
    yield fresh_dispatcher
    get_engine().close()  # this test's loop ends: no launcher may outlive it


@pytest.fixture
def runner_user(transactional_db):
    return UserFactory(username="runner")


@pytest.fixture
def intruder(transactional_db):
    return UserFactory(username="intruder")


@pytest.fixture
def python_sandbox(runner_user):
    return sandbox_create(owner=runner_user, name="Scratch", runtime="python")
