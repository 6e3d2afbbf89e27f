"""Fixtures for the Django side of sandboxes: a dispatcher bound to the test's event loop."""

from __future__ import annotations

import asyncio
import base64

import pytest
from channels.layers import channel_layers

from sandboxes import dispatch
from sandboxes.engine_config import get_engine
from sandboxes.models import Execution
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
    # This test's loop ends: no run and no launcher may outlive it.
    await fresh_dispatcher.aclose()
    await get_engine().aclose()


@pytest.fixture
def runner_user(transactional_db):
    return UserFactory(username="runner")


@pytest.fixture
def intruder(transactional_db):
    return UserFactory(username="intruder")


@pytest.fixture
def python_sandbox(runner_user):
    return sandbox_create(owner=runner_user, name="Scratch", runtime="python")


@pytest.fixture
def sandbox(owner):
    """The owner's Python sandbox, holding the starter main.py."""
    return sandbox_create(owner=owner, name="Scratch", runtime="python")


@pytest.fixture
def signed_in(client, owner):
    """A client signed in as the owner."""
    client.force_login(owner)
    return client


@pytest.fixture
def make_execution():
    """make_execution(sandbox, status=..., **fields) -> a recorded run of the sandbox's files
    (nothing is executed)."""

    def make(sandbox, **fields) -> Execution:
        files = {f.path: base64.b64encode(bytes(f.content)).decode() for f in sandbox.files.all()}
        defaults = {
            "owner": sandbox.owner,
            "sandbox": sandbox,
            "runtime": "python3.13",
            "snapshot": {
                "files": files,
                "entry": sandbox.entry_file,
                "packages": [],
                "env_names": [],
            },
            "timeout_seconds": 60,
            "status": Execution.Status.SUCCEEDED,
            "exit_code": 0,
            "wall_ms": 42,
        }
        return Execution.objects.create(**{**defaults, **fields})

    return make
