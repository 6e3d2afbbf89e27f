"""A run queued behind the inline dispatcher's slots, cancelled: it ends at once, its
quota freed, without waiting for a slot."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from quotas.models import Quota
from sandboxes.runs.cancel import execution_cancel
from sandboxes.runs.start import execution_start
from tests.factories import UserFactory, seeded_tier
from tests.waiting import await_status

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]

SLEEPER = b"import time\nprint('on', flush=True)\ntime.sleep(60)\n"


@pytest.fixture
def one_slot(settings):
    settings.SANDBOX_INLINE_CONCURRENCY = 1


def start(user, code: bytes):
    return execution_start(user=user, runtime="python", files={"main.py": code}, entry="main.py")


async def test_a_run_waiting_for_a_slot_ends_as_soon_as_it_is_cancelled(one_slot, live_dispatcher):
    user = await database_sync_to_async(lambda: UserFactory(tier=seeded_tier("enterprise")))()
    busy = await database_sync_to_async(start)(user, SLEEPER)
    await await_status(busy, "running")
    waiting = await database_sync_to_async(start)(user, b"print('never')\n")

    assert await database_sync_to_async(execution_cancel)(execution=waiting)
    waiting = await await_status(waiting)

    assert waiting.status == "cancelled"
    busy = await await_status(busy, "running")  # the slot's run goes on: nothing waited for it
    quota = await database_sync_to_async(Quota.objects.get)(user=user)
    assert quota.runs_active == 1
    assert await database_sync_to_async(execution_cancel)(execution=busy)
    assert (await await_status(busy)).status == "cancelled"
