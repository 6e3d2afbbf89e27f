"""A failure of the service itself still ends the run: nobody waits on it forever."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async

from sandboxes.models import Execution
from sandboxes.runs import pipeline
from sandboxes.runs.start import execution_start

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]


async def test_a_pipeline_failure_ends_the_run_as_error(live_dispatcher, owner, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(pipeline, "_execute", broken)
    execution = await database_sync_to_async(execution_start)(
        user=owner, runtime="python", files={"main.py": b"print(1)"}, entry="main.py"
    )

    for _ in range(100):
        await asyncio.sleep(0.05)
        execution = await database_sync_to_async(Execution.objects.get)(pk=execution.pk)
        if not execution.is_active:
            break
    assert execution.status == "error"
    assert "failed" in execution.error
