"""Fixtures for the Django side of sandboxes: users that run code, sandboxes, sign-ins."""

from __future__ import annotations

import base64

import pytest

from sandboxes.models import Execution
from sandboxes.services.workspaces import sandbox_create
from tests.factories import UserFactory


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
def make_execution():
    """make_execution(sandbox, status=..., **fields) -> a recorded run of the sandbox's files
    (nothing is executed)."""

    def make(sandbox, **fields) -> Execution:
        files = {f.path: base64.b64encode(f.read()).decode() for f in sandbox.files.all()}
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
