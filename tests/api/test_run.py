"""POST /api/sandbox without streaming: real runs, answered with their result."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async

from quotas.models import Quota
from sandboxes.models import Execution

URL = "/api/sandbox"

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.django_db(transaction=True),
]


async def run(client, **body):
    return await client.post(URL, json.dumps(body), content_type="application/json")


async def test_it_answers_with_the_programs_output_and_exit(live_dispatcher, async_api, owner):
    response = await run(async_api, code="import sys\nprint('hello')\nsys.stderr.write('warn')")

    assert response.status_code == 200
    result = response.json()
    assert result["status"] == "succeeded"
    assert result["exitCode"] == 0
    assert result["stdout"] == "hello\n"
    assert result["stderr"] == "warn"
    assert result["error"] is None
    assert isinstance(result["duration"], int)
    assert result["runtime"].startswith("python")
    assert response["X-Execution-Id"] == result["executionId"]
    execution = await Execution.objects.aget(pk=result["executionId"])
    assert execution.owner_id == owner.pk


async def test_a_program_that_fails_is_still_a_200_with_its_exit_code(live_dispatcher, async_api):
    response = await run(async_api, code="raise SystemExit(3)")

    assert response.status_code == 200
    assert response.json()["status"] == "failed"
    assert response.json()["exitCode"] == 3


async def test_every_run_says_how_much_quota_is_left(live_dispatcher, async_api, owner):
    first = await run(async_api, code="print(1)")
    second = await run(async_api, code="print(2)")

    tier = owner.quota.tier
    assert first["X-Quota-Runs-Remaining"] == str(tier.monthly_executions - 1)
    assert second["X-Quota-Runs-Remaining"] == str(tier.monthly_executions - 2)
    seconds_left = int(second["X-Quota-Compute-Seconds-Remaining"])
    assert tier.compute_seconds - 2 <= seconds_left < tier.compute_seconds
    assert second["X-Quota-Resets-At"]


async def test_files_and_variables_reach_the_program(live_dispatcher, async_api):
    response = await run(
        async_api,
        code="import os\nfrom lib.greet import greet\nprint(greet(os.environ['WHO']))",
        files={"lib/__init__.py": "", "lib/greet.py": "def greet(w):\n    return f'hi {w}'\n"},
        env={"WHO": "api"},
    )
    assert response.json()["stdout"] == "hi api\n"


async def test_node_runs_too(live_dispatcher, async_api):
    response = await run(async_api, runtime="node", code="console.log(6 * 7)")
    assert response.json()["stdout"] == "42\n"
    assert response.json()["runtime"].startswith("node")


async def test_files_the_run_wrote_are_listed_with_their_url(live_dispatcher, async_api):
    response = await run(async_api, code="open('out.csv', 'w').write('a,b\\n')")

    (produced,) = response.json()["files"]
    assert produced["path"] == "out.csv"
    assert produced["size"] == 4
    download = await async_api.get(produced["url"])
    assert b"".join([block async for block in aiter(download)]) == b"a,b\n"


async def test_a_run_over_its_timeout_ends_as_timed_out(live_dispatcher, async_api):
    response = await run(async_api, code="import time\ntime.sleep(30)", timeout=1)

    assert response.status_code == 200
    assert response.json()["status"] == "timed_out"
    assert response.json()["error"]


async def test_the_run_is_charged_to_the_quota(live_dispatcher, async_api, owner):
    await run(async_api, code="print(1)")
    quota = await Quota.objects.aget(user=owner)
    assert (quota.runs_used, quota.runs_active) == (1, 0)

    @database_sync_to_async
    def reservations():
        return quota.reservations.filter(settled_at__isnull=False).count()

    assert await reservations() == 1
