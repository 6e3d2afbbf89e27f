"""A failure of the service itself still ends the run: nobody waits on it forever."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from sandboxes.runs import pipeline
from sandboxes.runs.start import execution_start
from tests.waiting import await_status

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]


async def test_a_pipeline_failure_ends_the_run_as_error(live_dispatcher, owner, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(pipeline, "_execute", broken)
    execution = await database_sync_to_async(execution_start)(
        user=owner, runtime="python", files={"main.py": b"print(1)"}, entry="main.py"
    )

    execution = await await_status(execution)

    assert execution.status == "error"
    assert "failed" in execution.error
